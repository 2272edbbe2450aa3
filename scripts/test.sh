#!/usr/bin/env bash
# Runs every test of Swift IAM on a Debian machine with the Swift toolchain.
# Installs what the tests need when it is missing, builds, then runs `swift test`.
# Extra arguments go to `swift test` (for example: scripts/test.sh --filter ConformanceTests).
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests use: python3 (the ladon reference evaluator), keepalived, iproute2, procps and
# iputils-ping (the VRRP lab in network namespaces, which needs root), tcpdump and tshark (captures of our adverts
# decoded by Wireshark's dissector), postgresql (the apiserver's store tests),
# python3-venv and curl (schemathesis against a live apiserver; the load balancer's tests use python3 HTTP servers
# as backends and curl as the client).
packages=(python3 python3-venv keepalived iproute2 procps iputils-ping tcpdump tshark postgresql curl)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "scripts/test.sh: installing ${missing[*]}"
    if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}"
fi

command -v swift >/dev/null || { echo "scripts/test.sh: the Swift toolchain (swift) is not on PATH" >&2; exit 1; }
[ -d ../shared/fixtures ] || { echo "scripts/test.sh: ../shared/fixtures is missing (the reference material beside the repository)" >&2; exit 1; }

# A throwaway PostgreSQL server for the store and apiserver tests (every test makes its own database in it).
pgdir=$(mktemp -d /tmp/iam-test-pg.XXXXXX)
pgport=${IAM_TEST_POSTGRES_PORT:-$((40000 + RANDOM % 20000))}
trap 'scripts/postgres-scratch.sh stop "$pgdir/data"; rm -rf "$pgdir"' EXIT
IAM_TEST_POSTGRES_URL=$(scripts/postgres-scratch.sh start "$pgdir/data" "$pgport")
export IAM_TEST_POSTGRES_URL IAM_TEST_REQUIRE_POSTGRES=1

# The executables are built first: the CLI tests run the real `iam` binary.
swift build
if [ $# -gt 0 ]; then
    swift test "$@"
else
    # Two test processes. The tests that drive real processes (servers, network-namespace labs, the reference
    # evaluator) block while they wait for them, each holding one of Swift's cooperative threads, of which there are
    # as many as cores (two here); in the same process the in-process async tests, PostgreSQL store tests
    # among them, would wait behind them for minutes.
    process_tests='^(IAMCommandTests|PolicyToolTests)\.'
    swift test --skip "$process_tests"
    swift test --skip-build --filter "$process_tests"
fi

# The apiserver against its OpenAPI document with schemathesis (PyPI), on SQLite and on PostgreSQL.
if [ $# -eq 0 ]; then
    scripts/api-conformance.sh
    psql -q "$IAM_TEST_POSTGRES_URL" -c "CREATE DATABASE conformance"
    scripts/api-conformance.sh "$(echo "$IAM_TEST_POSTGRES_URL" | sed 's#/postgres?#/conformance?#')"
fi
