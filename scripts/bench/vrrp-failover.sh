#!/usr/bin/env bash
# VRRP failover timings of keepalived and of iam vrrp, measured in the same run with the shared
# network-namespace lab (../shared/tools/netns-lab.sh): h1 (priority 100) holds the VIP, h2 (priority 50)
# takes it over when h1's daemon is stopped (sigterm), crashes (sigkill) or loses its link (linkdown).
# Needs root. Results go into docs/PERFORMANCE.md.
#
#   scripts/bench/vrrp-failover.sh [RUNS]          (default 3 runs per scenario)
#   SCENARIOS="sigterm partition" scripts/bench/vrrp-failover.sh   (a subset; partition reports heal time)
set -euo pipefail
cd "$(dirname "$0")/../.."
lab=$(readlink -f ../shared/tools/netns-lab.sh)
runs=${1:-3}
[ "$(id -u)" = 0 ] || { echo "vrrp-failover.sh: needs root (network namespaces)" >&2; exit 1; }
swift build --product iam >/dev/null
iam=$(swift build --show-bin-path)/iam
results=$(mktemp -d)

measure() {   # measure DAEMON SCENARIO [ka-conf options...]
    local daemon=$1 scenario=$2; shift 2
    export LAB_ID=vfb LAB_DIR=/tmp/vfb-lab
    "$lab" up >/dev/null 2>&1
    "$lab" svc-start all >/dev/null 2>&1
    for node in h1 h2; do
        "$lab" ka-conf "$node" script=0 preempt=1 "$@" >/dev/null 2>&1
        if [ "$daemon" = keepalived ]; then
            "$lab" ka-start "$node" script=0 preempt=1 "$@" >/dev/null 2>&1
        else
            "$lab" start "vrrp-$node" "$node" "$iam" vrrp -f "{conf}" >/dev/null 2>&1
        fi
    done
    "$lab" measure "$scenario" h1 "$runs" 2>/dev/null | sed "s/^{/{\"daemon\": \"$daemon\", \"options\": \"$*\", /" >> "$results/all.jsonl" || true
    "$lab" down >/dev/null 2>&1
}

scenarios=${SCENARIOS:-sigterm sigkill linkdown partition}
for daemon in keepalived iam; do
    for scenario in $scenarios; do measure "$daemon" "$scenario"; done
done
if [ -z "${SCENARIOS:-}" ]; then
    measure iam sigkill mode=multicast version=3 advert=0.1
    measure keepalived sigkill mode=multicast version=3 advert=0.1
fi

echo "# VRRP failover, $(date -u +%Y-%m-%dT%H:%MZ), keepalived $(keepalived --version 2>&1 | head -1 | awk '{print $2}'), $runs runs each"
python3 - "$results/all.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
groups = {}
for row in rows:
    groups.setdefault((row["scenario"], row["options"] or "unicast v2, advert 1 s"), {}).setdefault(row["daemon"], []).append(row)
print("| scenario | settings | keepalived (median, range) | iam vrrp (median, range) | iam / keepalived |")
print("|---|---|---:|---:|---:|")
def cell(values):
    values = [v for v in values if v is not None]
    if not values:
        return "n/a", None
    return "%.3f s (%.3f–%.3f, n=%d)" % (statistics.median(values), min(values), max(values), len(values)), statistics.median(values)
for (scenario, options), daemons in sorted(groups.items()):
    # partition: time from the heal to a single master; otherwise: time until the backup holds the VIP
    key = "heal_single_master_s" if scenario == "partition" else "vip_s"
    ka, ka_median = cell([r.get(key) for r in daemons.get("keepalived", [])])
    ours, ours_median = cell([r.get(key) for r in daemons.get("iam", [])])
    ratio = "%.2f" % (ours_median / ka_median) if ka_median and ours_median else "n/a"
    print("| %s | %s | %s | %s | %s |" % (scenario, options, ka, ours, ratio))
PY
rm -rf "$results"
