#!/usr/bin/env bash
# iam lb benchmark (issue 5): ../shared/tools/lb-bench.sh drives HAProxy (1 thread), nginx (1 worker) and iam lb
# (1 event loop, and 2 with --scaling) in front of the same two nginx backends, interleaving runs; it reports req/s,
# p50/p90/p99 and the proxy's CPU µs per request. With --failover it kills backend 2 under load and restarts it.
#
#   scripts/bench/lb.sh [lb-bench options…]        e.g. scripts/bench/lb.sh -c "1 64 256" -m unpinned -r 3 -d 15
#   scripts/bench/lb.sh --failover-only -c 64 -m unpinned
#
# Needs nginx, haproxy, wrk, curl (apt-get install -y nginx haproxy wrk curl); builds a release binary (not in CI).
set -euo pipefail
cd "$(dirname "$0")/../.."
tool=../shared/tools/lb-bench.sh
[ -x "$tool" ] || [ -f "$tool" ] || { echo "lb.sh: $tool is missing (the shared tools beside the repository)" >&2; exit 1; }
for command in nginx haproxy wrk curl; do
    command -v $command >/dev/null || [ -x /usr/sbin/$command ] || { echo "lb.sh: $command is missing (apt-get install -y nginx haproxy wrk curl)" >&2; exit 1; }
done
# Release builds here (as for production) skip the runtime exclusivity checks in every module, SwiftNIO included.
swift build -c release --product iam --scratch-path .build-release -Xswiftc -enforce-exclusivity=unchecked >/dev/null
export IAM_BIN=$PWD/.build-release/release/iam
lbs=(--lb iam-lb 18121 "$PWD/scripts/bench/lb-under-test.sh")
if [ "${1:-}" = "--scaling" ]; then
    shift
    lbs+=(--lb iam-lb-2el 18122 "env LB_EVENT_LOOPS=2 $PWD/scripts/bench/lb-under-test.sh")
fi
exec bash "$tool" -a haproxy,nginx "${lbs[@]}" "$@"
