#!/usr/bin/env bash
# iam authz benchmark (issue 4):
#   1. propagation: two apiservers on one PostgreSQL database, authz following B; a policy is written through A and
#      authz is asked until it allows: milliseconds from the write's 200 to the first decision reflecting it;
#   2. decisions: wrk, 64 connections, rotating 1,000 distinct HS256 tokens signed with the caller's real secret, the
#      caller owning 1,000 policies; decisions/s, p50/p99 and authz CPU per decision (user+sys from /proc, the whole
#      process), next to nginx answering a static 200 in the same run, both to a plain GET and to the very requests
#      authz gets (rounds alternate; medians reported).
#
#   3. latency at a steady load (--paced-delay MS, default 2; 0 skips it): the same 64 connections, each waiting MS
#      milliseconds between an answer and its next request (wrk's Lua delay()), so that the machine is not
#      saturated and p99 shows the server rather than the run queue: nginx with the same requests, authz, and an
#      authz with audit recording off (the records' trip through the apiserver into PostgreSQL runs on the same
#      two cores); during the audit-on runs, the CPU the pipeline takes (apiserver B and PostgreSQL); and with
#      --neighbour MS (default 10; 0 skips it), audit off once more while scripts/bench/cpu_neighbour.py burns CPU
#      MS ms of every 90 ms at idle priority: what CPU used by anything else on these two cores does to the p99;
#
#   4. with --allocations (needs perf: apt-get install linux-perf): heap allocations per decision, counted with a uprobe
#      on glibc's malloc in authz during a light wrk run (a count, not a time: stable under load).
#
#   A/B in the same run: --variant LABEL "FLAGS" (repeatable) adds an authz of this build started with FLAGS, and
#   --baseline BINARY an authz from another build (e.g. the commit before a change) with default flags; both follow
#   B and run in every round next to authz, saturated and at the steady load.
#
#   scripts/bench/authz.sh [--seconds 10] [--rounds 3] [--connections 64] [--writes 200] [--paced-delay 2] [--allocations]
#                          [--neighbour MS] [--variant LABEL "FLAGS"]... [--baseline BINARY]
#
# Needs wrk, nginx and python3 (apt-get install wrk nginx-light python3); builds a release binary (not part of CI).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=10 rounds=3 connections=64 writes=200 allocations=0 paced_delay=2 neighbour=10
variant_labels=() variant_flags=() variant_bins=()
while [ $# -gt 0 ]; do
    case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --writes) writes=$2; shift 2 ;;
    --allocations) allocations=1; shift ;;
    --paced-delay) paced_delay=$2; shift 2 ;;
    --neighbour) neighbour=$2; shift 2 ;;
    --variant) variant_labels+=("$2"); variant_flags+=("$3"); variant_bins+=(""); shift 3 ;;
    --baseline) variant_labels+=("baseline $(basename "$2")"); variant_flags+=(""); variant_bins+=("$2"); shift 2 ;;
    *) echo "authz.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
for tool in wrk python3; do command -v $tool >/dev/null || { echo "authz.sh: $tool is missing (apt-get install $tool)" >&2; exit 1; }; done
[ -x /usr/sbin/nginx ] || { echo "authz.sh: nginx is missing (apt-get install nginx-light)" >&2; exit 1; }

# Release builds here (as for production) skip the runtime exclusivity checks in every module, SwiftNIO included.
swift build -c release --product iam --scratch-path .build-release -Xswiftc -enforce-exclusivity=unchecked >/dev/null
iam=$PWD/.build-release/release/iam
scratch=$(mktemp -d /tmp/iam-authz-bench.XXXXXX)
chmod a+x "$scratch"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    [ -f "$scratch/nginx.pid" ] && kill "$(cat "$scratch/nginx.pid")" 2>/dev/null || true
    scripts/postgres-scratch.sh stop "$scratch/pg" >/dev/null 2>&1 || true
    rm -rf "$scratch"
}
trap cleanup EXIT
token=bench-cluster-token-0123456789
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 1 200); do curl -sf "$1" >/dev/null && return 0; sleep 0.1; done; echo "authz.sh: $1 did not come up" >&2; exit 1; }

# PostgreSQL as the README recommends for the audit queue (glibc keeps the heap a batch needs).
pg_url=$(scripts/postgres-scratch.sh start "$scratch/pg" "$(free_port)" --malloc-tunables)
postmaster=$(head -1 "$scratch/pg/postmaster.pid")
psql -q "$pg_url" -c "CREATE DATABASE bench"
store=$(echo "$pg_url" | sed 's#/postgres?#/bench?#')
port_a=$(free_port) port_b=$(free_port) port_authz=$(free_port) port_nginx=$(free_port) port_cold=$(free_port) port_quiet=$(free_port)
for port in $port_a $port_b; do
    IAM_ADMIN_PASSWORD=Admin@2021 "$iam" apiserver --store "$store" --insecure.bind-port "$port" --cluster.token $token \
        --bcrypt-cost 4 --jwt.key bench-jwt-key --log.level warning >"$scratch/apiserver-$port.log" 2>&1 &
    pids+=($!)
    apiserver_b_pid=$!  # the last one started: B, which authz follows and ships its records to
    wait_for "http://127.0.0.1:$port/healthz"
done
"$iam" authz --apiserver "http://127.0.0.1:$port_b" --cluster.token $token --insecure.bind-port "$port_authz" \
    --data-dir "$scratch" --log.level warning >"$scratch/authz.log" 2>&1 &
authz_pid=$!
pids+=($authz_pid)
wait_for "http://127.0.0.1:$port_authz/healthz"
# The same server with its verified-token cache off: every request parses the token and runs the HMAC.
mkdir -p "$scratch/cold"
"$iam" authz --apiserver "http://127.0.0.1:$port_b" --cluster.token $token --insecure.bind-port "$port_cold" \
    --server.token-cache-size 0 --data-dir "$scratch/cold" --log.level warning >"$scratch/authz-cold.log" 2>&1 &
cold_pid=$!
pids+=($cold_pid)
wait_for "http://127.0.0.1:$port_cold/healthz"
# And with audit recording off, for the latency at a steady load.
mkdir -p "$scratch/quiet"
"$iam" authz --apiserver "http://127.0.0.1:$port_b" --cluster.token $token --insecure.bind-port "$port_quiet" \
    --analytics.enable false --data-dir "$scratch/quiet" --log.level warning >"$scratch/authz-quiet.log" 2>&1 &
quiet_pid=$!
pids+=($quiet_pid)
wait_for "http://127.0.0.1:$port_quiet/healthz"
# The A/B variants, each with its own data directory and port.
variant_pids=() variant_ports=()
for i in "${!variant_labels[@]}"; do
    port=$(free_port)
    mkdir -p "$scratch/variant-$i"
    # shellcheck disable=SC2086 # the flags are meant to be split into words
    "${variant_bins[$i]:-$iam}" authz --apiserver "http://127.0.0.1:$port_b" --cluster.token $token --insecure.bind-port "$port" \
        --data-dir "$scratch/variant-$i" --log.level warning ${variant_flags[$i]} >"$scratch/authz-variant-$i.log" 2>&1 &
    pids+=($!) variant_pids+=($!) variant_ports+=("$port")
    wait_for "http://127.0.0.1:$port/healthz"
done

echo "# iam authz benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -m)"
echo
read -r small_id small_key < <(python3 scripts/bench/authz_pipeline.py seed "http://127.0.0.1:$port_a" small 1)
read -r big_id big_key < <(python3 scripts/bench/authz_pipeline.py seed "http://127.0.0.1:$port_a" big 1000)
echo "## Propagation: write through apiserver A (HTTP 200) → first decision reflecting it at authz following apiserver B"
echo
echo "| policy owner | writes | p50 ms | p99 ms | max ms |"
echo "|---|---:|---:|---:|---:|"
read -r p50 p99 max < <(python3 scripts/bench/authz_pipeline.py propagation "http://127.0.0.1:$port_a" "http://127.0.0.1:$port_authz" small "$writes")
echo "| user with few policies | $writes | $p50 | $p99 | $max |"
read -r p50b p99b maxb < <(python3 scripts/bench/authz_pipeline.py propagation "http://127.0.0.1:$port_a" "http://127.0.0.1:$port_authz" big "$writes")
echo "| user with 1,000+ policies (only the changed policy compiled and indexed) | $writes | $p50b | $p99b | $maxb |"
echo

python3 scripts/bench/authz_pipeline.py wrk-script "$big_id" "$big_key" 1000 "$scratch/authz.lua"
{ cat "$scratch/authz.lua"; printf '\nfunction delay()\n  return %s\nend\n' "$paced_delay"; } >"$scratch/paced.lua"
cat >"$scratch/nginx.conf" <<CONF
worker_processes 1;
pid $scratch/nginx.pid;
error_log $scratch/nginx-error.log;
events { worker_connections 4096; }
http {
    access_log off;
    server { listen 127.0.0.1:$port_nginx; location / { default_type application/json; return 200 '{"allowed":true}'; } }
}
CONF
/usr/sbin/nginx -c "$scratch/nginx.conf"
sleep 0.5
nginx_master=$(cat "$scratch/nginx.pid")

cpu_ticks() { # pid -> utime+stime of the process and its children processes' threads
    python3 - "$1" <<'PY'
import os, sys
def ticks(pid):
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        fields = open(f"/proc/{pid}/task/{task}/stat").read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total
pids, todo = [], [sys.argv[1]]
while todo:
    pid = todo.pop(); pids.append(pid)
    for task in os.listdir(f"/proc/{pid}/task"):
        todo += open(f"/proc/{pid}/task/{task}/children").read().split()
print(sum(ticks(p) for p in pids))
PY
}
tick_us=$((1000000 / $(getconf CLK_TCK)))
shipped() { # the audit-recording servers' shipped counts
    for port in $port_authz $port_cold "${variant_ports[@]}"; do
        curl -s "http://127.0.0.1:$port/metrics" | awk '/^iam_authz_audit_records_shipped_total/ {print $2}'
    done | paste -sd' '
}
settle() { # until the authz servers have shipped their backlog (the spool replays after a saturated run), at most 120 s
    local last now
    last=$(shipped)
    for _ in $(seq 1 240); do
        sleep 0.5
        now=$(shipped)
        [ "$now" = "$last" ] && return 0
        last=$now
    done
}
pipeline_ticks() { echo $(($(cpu_ticks "$apiserver_b_pid") + $(cpu_ticks "$postmaster"))); }
# run NAME PID URL [SCRIPT] -> "rps p50 p99 us_per_request non2xx". With WHILE="command…" set, the command runs
# (in the background) during the wrk run; with PIPELINE_ROWS=FILE, the audit pipeline's CPU during it (ms per
# second) is appended to FILE.
run() {
    local name=$1 pid=$2 url=$3 script=${4:-}
    # Every run starts on a quiet machine: no audit records still travelling to PostgreSQL from the run before.
    settle
    local args=(-t2 -c"$connections" -d"${seconds}s" --latency)
    [ -n "$script" ] && args+=(-s "$script")
    local before after out requests pipeline_before="" neighbour_pid=""
    [ -n "${PIPELINE_ROWS:-}" ] && pipeline_before=$(pipeline_ticks)
    # shellcheck disable=SC2086 # WHILE is a command line
    [ -n "${WHILE:-}" ] && { $WHILE & neighbour_pid=$!; }
    before=$(cpu_ticks "$pid")
    out=$(wrk "${args[@]}" "$url")
    after=$(cpu_ticks "$pid")
    [ -n "$neighbour_pid" ] && { kill "$neighbour_pid"; wait "$neighbour_pid" 2>/dev/null || true; }
    [ -n "$pipeline_before" ] && python3 -c "print(f'{($(pipeline_ticks) - $pipeline_before) * $tick_us / 1000 / $seconds:.0f}')" >>"$PIPELINE_ROWS"
    requests=$(echo "$out" | awk '/requests in/ {print $1}')
    echo "$out" >"$scratch/wrk-$name-$(date +%s%N).txt"
    echo "$(echo "$out" | awk '/Requests\/sec/ {print $2}') $(echo "$out" | awk '$1 == "50%" {print $2}') \
$(echo "$out" | awk '$1 == "99%" {print $2}') $(python3 -c "print(f'{($after - $before) * $tick_us / $requests:.1f}')") \
$(echo "$out" | awk '/Non-2xx/ {print $5}')"
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
to_ms() { sed -E 's/([0-9.]+)us/\1 0.001/; s/([0-9.]+)ms/\1 1/; s/([0-9.]+)s$/\1 1000/' | awk '{printf "%.2f\n", $1*$2}'; }

: >"$scratch/nginx.rows"; : >"$scratch/nginxpost.rows"; : >"$scratch/authz.rows"; : >"$scratch/cold.rows"
: >"$scratch/nginxpaced.rows"; : >"$scratch/authzpaced.rows"; : >"$scratch/quietpaced.rows"
: >"$scratch/neighbourpaced.rows"; : >"$scratch/pipeline.rows"
curl -s "http://127.0.0.1:$port_authz/metrics" | awk '/^iam_authz_audit_records_(shipped|spooled|dropped)_total/' >"$scratch/audit-before"
for round in $(seq 1 "$rounds"); do
    run nginx "$nginx_master" "http://127.0.0.1:$port_nginx/" >>"$scratch/nginx.rows"
    # The same requests authz gets (Authorization header and JSON body), answered with the same static 200.
    run nginxpost "$nginx_master" "http://127.0.0.1:$port_nginx/v1/authz" "$scratch/authz.lua" >>"$scratch/nginxpost.rows"
    run authz "$authz_pid" "http://127.0.0.1:$port_authz/v1/authz" "$scratch/authz.lua" >>"$scratch/authz.rows"
    run cold "$cold_pid" "http://127.0.0.1:$port_cold/v1/authz" "$scratch/authz.lua" >>"$scratch/cold.rows"
    if [ "$paced_delay" != 0 ]; then
        run nginxpaced "$nginx_master" "http://127.0.0.1:$port_nginx/v1/authz" "$scratch/paced.lua" >>"$scratch/nginxpaced.rows"
        PIPELINE_ROWS="$scratch/pipeline.rows" run authzpaced "$authz_pid" "http://127.0.0.1:$port_authz/v1/authz" \
            "$scratch/paced.lua" >>"$scratch/authzpaced.rows"
        run quietpaced "$quiet_pid" "http://127.0.0.1:$port_quiet/v1/authz" "$scratch/paced.lua" >>"$scratch/quietpaced.rows"
        [ "$neighbour" != 0 ] && WHILE="chrt --idle 0 python3 scripts/bench/cpu_neighbour.py $neighbour 90" \
            run neighbourpaced "$quiet_pid" "http://127.0.0.1:$port_quiet/v1/authz" "$scratch/paced.lua" >>"$scratch/neighbourpaced.rows"
    fi
    for i in "${!variant_labels[@]}"; do
        run variant "${variant_pids[$i]}" "http://127.0.0.1:${variant_ports[$i]}/v1/authz" "$scratch/authz.lua" >>"$scratch/variant-$i.rows"
        [ "$paced_delay" != 0 ] && run variantpaced "${variant_pids[$i]}" "http://127.0.0.1:${variant_ports[$i]}/v1/authz" \
            "$scratch/paced.lua" >>"$scratch/variant-$i.paced.rows"
    done
done
sleep 1
column() { awk -v c="$2" '{print $c}' "$1"; }
echo "## Decisions: wrk -t2 -c$connections -d${seconds}s, $rounds alternating rounds, medians"
echo
echo "| server | requests/s | p50 ms | p99 ms | server CPU µs/request | vs nginx CPU (GET) | vs nginx CPU (same requests) | non-2xx |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
nginx_cpu=$(column "$scratch/nginx.rows" 4 | median)
nginx_post_cpu=$(column "$scratch/nginxpost.rows" 4 | median)
saturated_row() { # label rows-file
    local cpu
    cpu=$(column "$2" 4 | median)
    echo "| $1 | $(column "$2" 1 | median) | $(column "$2" 2 | to_ms | median) | $(column "$2" 3 | to_ms | median) | $cpu | $(python3 -c "print(f'{$cpu / $nginx_cpu:.2f}')") | $(python3 -c "print(f'{$cpu / $nginx_post_cpu:.2f}')") | $(column "$2" 5 | median) |"
}
for name in nginx nginxpost authz cold; do
    rows="$scratch/$name.rows"
    label="nginx 1 worker, static 200 (return), GET /"
    [ $name = nginxpost ] && label="nginx 1 worker, static 200 (return), the same POST requests as authz"
    [ $name = authz ] && label="iam authz, POST /v1/authz, 1,000 policies, audit on"
    [ $name = cold ] && label="the same, token cache off (every token parsed and verified)"
    saturated_row "$label" "$rows"
done
for i in "${!variant_labels[@]}"; do
    saturated_row "iam authz, ${variant_labels[$i]}" "$scratch/variant-$i.rows"
done
if [ "$paced_delay" != 0 ]; then
    echo
    echo "## Latency at a steady load: wrk -t2 -c$connections -d${seconds}s, each connection waits ${paced_delay} ms between an answer and its next request"
    echo
    paced_row() { # label rows-file
        echo "| $1 | $(column "$2" 1 | median) | $(column "$2" 2 | to_ms | median) | $(column "$2" 3 | to_ms | median) | $(column "$2" 4 | median) |"
    }
    echo "| server | requests/s | p50 ms | p99 ms | server CPU µs/request |"
    echo "|---|---:|---:|---:|---:|"
    for name in nginxpaced authzpaced quietpaced neighbourpaced; do
        rows="$scratch/$name.rows"
        [ -s "$rows" ] || continue
        label="nginx 1 worker, static 200 (return), the same POST requests as authz"
        [ $name = authzpaced ] && label="iam authz, POST /v1/authz, 1,000 policies, audit on"
        [ $name = quietpaced ] && label="the same, audit off (--analytics.enable false)"
        [ $name = neighbourpaced ] && label="audit off, a neighbour burning CPU $neighbour ms of every 90 at idle priority"
        paced_row "$label" "$rows"
    done
    for i in "${!variant_labels[@]}"; do
        paced_row "iam authz, ${variant_labels[$i]}" "$scratch/variant-$i.paced.rows"
    done
    echo
    echo "CPU of the audit pipeline (apiserver B and PostgreSQL) during the audit-on steady runs: $(median <"$scratch/pipeline.rows") ms per second (median)."
fi
echo
echo "Audit records during the decision runs (authz metrics before → after):"
curl -s "http://127.0.0.1:$port_authz/metrics" | awk '/^iam_authz_audit_records_(shipped|spooled|dropped)_total/' | paste "$scratch/audit-before" - | sed 's/^/    /'

if [ "$allocations" = 1 ]; then
    libc=$(ldd "$iam" | awk '/libc.so.6/ {print $3}')
    perf probe -q -x "$libc" malloc 2>/dev/null || true
    wrk -t1 -c4 -d8s -s "$scratch/authz.lua" "http://127.0.0.1:$port_authz/v1/authz" >"$scratch/wrk-allocations.txt" &
    wrk_pid=$!
    sleep 2
    before=$(curl -s "http://127.0.0.1:$port_authz/metrics" | awk '/^iam_authz_decisions_total/ {s += $2} END {print s}')
    mallocs=$(perf stat -x, -e probe_libc:malloc -p "$authz_pid" -- sleep 4 2>&1 | awk -F, '/probe_libc:malloc/ {print $1}')
    after=$(curl -s "http://127.0.0.1:$port_authz/metrics" | awk '/^iam_authz_decisions_total/ {s += $2} END {print s}')
    wait $wrk_pid
    echo
    echo "Heap allocations (glibc malloc calls) in authz per decision, wrk -t1 -c4: $(python3 -c "print(f'{$mallocs / ($after - $before):.1f}')") ($mallocs calls, $((after - before)) decisions)"
fi
