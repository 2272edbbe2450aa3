#!/usr/bin/env bash
# apiserver benchmark: GET one user, list 1,000 users, create+delete a policy; requests/s on SQLite and on
# PostgreSQL, with nginx serving a static file of the same size in the same run as the yardstick for this machine.
# Then, per store, `GET /healthz` (one store round trip) one request at a time on one connection, the apiserver idle
# in between (scripts/bench/one_by_one.py): its CPU and thread switches per request.
#
#   scripts/bench/apiserver.sh [--seconds 10] [--connections 16] [--baseline BINARY]
#
# --baseline BINARY: an apiserver of another build (e.g. the commit before a change) next to this one, on its own
# data (SQLite file, PostgreSQL database), measured right after it in every scenario.
#
# Needs wrk and nginx (apt-get install wrk nginx-light) and builds a release binary (not part of CI).
# Login tokens (Bearer) are used throughout, so bcrypt is paid once per run, not per request.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=10
connections=16
baseline=""
while [ $# -gt 0 ]; do
    case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --baseline) baseline=$2; shift 2 ;;
    *) echo "apiserver.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
command -v wrk >/dev/null || { echo "apiserver.sh: wrk is missing (apt-get install wrk)" >&2; exit 1; }
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "apiserver.sh: nginx is missing (apt-get install nginx-light)" >&2; exit 1; }

# Release builds here (as for production) skip the runtime exclusivity checks in every module, SwiftNIO included.
swift build -c release --product iam --scratch-path .build-release -Xswiftc -enforce-exclusivity=unchecked >/dev/null
iam=$PWD/.build-release/release/iam
binaries=("$iam")
[ -n "$baseline" ] && binaries+=("$(realpath "$baseline")")
scratch=$(mktemp -d /tmp/iam-apiserver-bench.XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    [ -f "$scratch/nginx.pid" ] && kill "$(cat "$scratch/nginx.pid")" 2>/dev/null || true
    scripts/postgres-scratch.sh stop "$scratch/pg" || true
    rm -rf "$scratch"
}
trap cleanup EXIT

pg_port=$((40000 + RANDOM % 20000))
pg_url=$(scripts/postgres-scratch.sh start "$scratch/pg" "$pg_port")
for i in "${!binaries[@]}"; do psql -q "$pg_url" -c "CREATE DATABASE bench$i"; done

# wrk prints "Requests/sec: N"; the mean of the thread latencies' 99th percentile is in --latency output.
measure() { # url [script] -> "req/s p99"
    local url=$1 script=${2:-}
    local args=(-t2 -c"$connections" -d"${seconds}s" --latency -H "Authorization: $AUTH")
    [ -n "$script" ] && args+=(-s "$script")
    local out
    out=$(wrk "${args[@]}" "$url")
    local rps p99 errors
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    errors=$(echo "$out" | awk '/Non-2xx/ {print $5}')
    echo "$rps $p99 ${errors:-0}"
}

echo "# apiserver benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -m), wrk -t2 -c$connections -d${seconds}s"
echo
echo "| store | scenario | requests/s | p99 latency | non-2xx | vs nginx static |"
echo "|---|---|---:|---:|---:|---:|"

# The yardstick: nginx serving a static JSON file as large as one user, on this machine, now.
mkdir -p "$scratch/www"
nginx_port=$((30000 + RANDOM % 10000))
head -c 330 /dev/zero | tr '\0' 'x' >"$scratch/www/user.json"
cat >"$scratch/nginx.conf" <<CONF
worker_processes 1;
pid $scratch/nginx.pid;
error_log $scratch/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    server { listen 127.0.0.1:$nginx_port; root $scratch/www; }
}
CONF
/usr/sbin/nginx -c "$scratch/nginx.conf"
sleep 0.5
AUTH="Bearer none" read -r nginx_rps nginx_p99 _ < <(AUTH="Bearer none" measure "http://127.0.0.1:$nginx_port/user.json")
echo "| — | nginx 1 worker, static 330-byte file | $nginx_rps | $nginx_p99 | 0 | 1.00 |"

# Starts binary $2 on store $1 with data of its own, creates 999 more users (1,000 in all) through the API and
# prints "PID URL TOKEN".
start_apiserver() { # store index
    local store=$1 i=$2 port store_arg="" base token count
    port=$((20000 + RANDOM % 10000))
    [ "$store" = postgres ] && store_arg=$(echo "$pg_url" | sed "s#/postgres?#/bench$i?#")
    IAM_ADMIN_PASSWORD='Admin@2021' "${binaries[$i]}" apiserver --insecure.bind-port "$port" --data-dir "$scratch/data-$store-$i" \
        --store "$store_arg" --jwt.key bench-key-123456 --bcrypt-cost 4 --log.level error >"$scratch/$store-$i.log" 2>&1 &
    local pid=$!
    base="http://127.0.0.1:$port"
    for _ in $(seq 100); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.1; done
    token=$(curl -fs -XPOST "$base/login" -d '{"username":"admin","password":"Admin@2021"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
    seq 1 999 | xargs -P 8 -I{} curl -fs -o /dev/null -H "Authorization: Bearer $token" -XPOST "$base/v1/users" \
        -d '{"metadata":{"name":"user{}"},"nickname":"user{}","password":"Bench@2024x","email":"user{}@example.com"}'
    count=$(curl -fs -H "Authorization: Bearer $token" "$base/v1/users?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["totalCount"])')
    [ "$count" = 1000 ] || { echo "expected 1000 users, have $count" >&2; exit 1; }
    echo "$pid $base $token"
}

one_by_one=()
for store in sqlite postgres; do
    urls=() tokens=() store_pids=()
    for i in "${!binaries[@]}"; do
        read -r pid base token < <(start_apiserver "$store" "$i")
        [ -n "${token:-}" ] || { echo "apiserver.sh: the apiserver ${binaries[$i]} on $store did not start" >&2; exit 1; }
        pids+=("$pid") store_pids+=("$pid") urls+=("$base") tokens+=("$token")
    done
    for scenario in get list churn; do
        for i in "${!binaries[@]}"; do
            export AUTH="Bearer ${tokens[$i]}"
            base=${urls[$i]}
            case $scenario in
            get) label="GET /v1/users/user500"; read -r rps p99 errors < <(measure "$base/v1/users/user500") ;;
            list) label="GET /v1/users?limit=1000 (1,000 users, ~330 KB)"; read -r rps p99 errors < <(measure "$base/v1/users?limit=1000") ;;
            churn) label="POST + DELETE /v1/policies (each counted)"; read -r rps p99 errors < <(measure "$base/" scripts/bench/apiserver-policy-churn.lua) ;;
            esac
            [ "$i" = 1 ] && label="$label, baseline $(basename "$baseline")"
            ratio=$(python3 -c "print(f'{$rps / $nginx_rps:.3f}')")
            echo "| $store | $label | $rps | $p99 | $errors | $ratio |"
        done
    done
    sleep 11  # the timers the load left behind expire before the one-at-a-time run
    for i in "${!binaries[@]}"; do
        label="GET /healthz one at a time (2,000 requests)"
        [ "$i" = 1 ] && label="$label, baseline $(basename "$baseline")"
        read -r cpu switches < <(python3 scripts/bench/one_by_one.py "${store_pids[$i]}" "${urls[$i]}/healthz" 2000)
        one_by_one+=("| $store | $label | $cpu | $switches |")
    done
    for pid in "${store_pids[@]}"; do kill "$pid"; wait "$pid" 2>/dev/null || true; done
done
echo
echo "| store | scenario | apiserver CPU µs per request | thread switches per request |"
echo "|---|---|---:|---:|"
printf '%s\n' "${one_by_one[@]}"
