#!/usr/bin/env bash
# Policy-engine benchmark: Swift IAM's engine and the ladon reference evaluator on the same fixtures,
# in the same run, one thread each. Results go into docs/PERFORMANCE.md.
#
#   scripts/bench/policy.sh [--sizes 10,100,1000,10000] [--runs 5] [--seconds 1]
#
# Builds a release binary (not part of CI). The reference evaluator's 10,000-policy run takes minutes;
# REFERENCE_SIZES narrows it (default: 10,100,1000,10000).
set -euo pipefail
cd "$(dirname "$0")/../.."
fixtures=${FIXTURES:-../shared/fixtures/ladon-conformance}
reference_sizes=${REFERENCE_SIZES:-10,100,1000,10000}

echo "# policy engine benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -m)"
swift build -c release --product policy-bench >/dev/null
echo
echo "## Swift IAM PolicyEngine (in process, single thread)"
.build/release/policy-bench --fixtures "$fixtures" "$@"
echo
echo "## ladon reference evaluator (scripts/bench/ladon_reference.py, CPython $(python3 -c 'import platform; print(platform.python_version())'), single thread)"
# Its template cache thrashes at 10,000 policies (LRU of 512, as ladon's): checking every expected
# decision there would take many minutes, so the agreement check covers the first 100 requests.
python3 scripts/bench/ladon_reference.py --fixtures "$fixtures" --sizes "$reference_sizes" --bench --runs 3 --check-limit 100
