#!/usr/bin/env bash
# The apiserver's CPU per audit record taken in (`POST /internal/v1/audit`: read the body, check every record,
# queue the batch as one row) on a scratch PostgreSQL; with --baseline, another build's apiserver on the same
# database, in alternating rounds (scripts/bench/audit_intake.py says how it measures).
#
#   scripts/bench/audit-intake.sh [--batches 50] [--rounds 5] [--baseline BINARY]
#
# Needs PostgreSQL and python3 (apt-get install postgresql python3). Release build; not part of CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
batches=50 rounds=5 baseline=""
while [ $# -gt 0 ]; do
    case $1 in
    --batches) batches=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --baseline) baseline=$2; shift 2 ;;
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
    rm -rf "$scratch"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
token=bench-cluster-token-0123456789
store=$(scripts/postgres-scratch.sh start "$scratch/pg" "$(free_port)")
servers=()
for binary in "$PWD/.build-release/release/iam" ${baseline:+"$baseline"}; do
    port=$(free_port)
    IAM_ADMIN_PASSWORD=Admin@2021 "$binary" apiserver --store "$store" --insecure.bind-port "$port" --cluster.token $token \
        --bcrypt-cost 4 --jwt.key bench-jwt-key --log.level warning >"$scratch/apiserver-$port.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
    label="this build"; [ "$binary" = "$baseline" ] && label="baseline $(basename "$baseline")"
    servers+=("$label=http://127.0.0.1:$port=$!")
done
echo "# apiserver audit intake, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $batches batches of 2,000 records, $rounds rounds"
echo
python3 scripts/bench/audit_intake.py $token "$batches" "$rounds" "${servers[@]}"
