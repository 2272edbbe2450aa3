#!/usr/bin/env bash
# The apiserver's and PostgreSQL's CPU per audit record taken in (`POST /internal/v1/audit`: read the body, check
# every record, queue the batch as one row) on a scratch PostgreSQL; with --baseline, another build's apiserver on
# the same database; with --malloc-tunables, this build's apiserver also on a second scratch PostgreSQL started
# with the glibc malloc settings the README recommends for the audit queue (scripts/postgres-scratch.sh). Rounds
# alternate between the apiservers (scripts/bench/audit_intake.py says how it measures).
#
#   scripts/bench/audit-intake.sh [--batches 50] [--rounds 5] [--baseline BINARY] [--malloc-tunables]
#
# Needs PostgreSQL and python3 (apt-get install postgresql python3). Release build; not part of CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
batches=50 rounds=5 baseline="" tunables=0
while [ $# -gt 0 ]; do
    case $1 in
    --batches) batches=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --baseline) baseline=$2; shift 2 ;;
    --malloc-tunables) tunables=1; shift ;;
    *) echo "audit-intake.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
swift build -c release --product iam --scratch-path .build-release -Xswiftc -enforce-exclusivity=unchecked >/dev/null
scratch=$(mktemp -d /tmp/iam-audit-intake-bench.XXXXXX)
chmod a+x "$scratch"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    scripts/postgres-scratch.sh stop "$scratch/pg" >/dev/null 2>&1 || true
    scripts/postgres-scratch.sh stop "$scratch/pg-tuned" >/dev/null 2>&1 || true
    rm -rf "$scratch"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
token=bench-cluster-token-0123456789
store=$(scripts/postgres-scratch.sh start "$scratch/pg" "$(free_port)")
postmaster=$(head -1 "$scratch/pg/postmaster.pid")
runs=("this build|$PWD/.build-release/release/iam|$store|$postmaster")
[ -n "$baseline" ] && runs+=("baseline $(basename "$baseline")|$baseline|$store|$postmaster")
if [ $tunables = 1 ]; then
    tuned=$(scripts/postgres-scratch.sh start "$scratch/pg-tuned" "$(free_port)" --malloc-tunables)
    runs+=("this build, PostgreSQL with GLIBC_TUNABLES|$PWD/.build-release/release/iam|$tuned|$(head -1 "$scratch/pg-tuned/postmaster.pid")")
fi
servers=()
for run in "${runs[@]}"; do
    IFS='|' read -r label binary url pg_pid <<<"$run"
    port=$(free_port)
    IAM_ADMIN_PASSWORD=Admin@2021 "$binary" apiserver --store "$url" --insecure.bind-port "$port" --cluster.token $token \
        --bcrypt-cost 4 --jwt.key bench-jwt-key --log.level warning >"$scratch/apiserver-$port.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
    servers+=("$label=http://127.0.0.1:$port=$!=$pg_pid")
done
echo "# apiserver audit intake, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $batches batches of 2,000 records, $rounds rounds"
echo
python3 scripts/bench/audit_intake.py $token "$batches" "$rounds" "${servers[@]}"
