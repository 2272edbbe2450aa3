#!/usr/bin/env bash
# Runs schemathesis (from PyPI) against a live `iam apiserver` built from this checkout: every operation of
# docs/openapi.json with generated inputs; fails on any 5xx and on any response the document does not allow.
#   scripts/api-conformance.sh [postgres://…]   (default: embedded SQLite in a scratch directory)
set -euo pipefail
cd "$(dirname "$0")/.."
store=${1:-}
version=4.32.5
venv=.build/schemathesis-$version
if [ ! -x "$venv/bin/schemathesis" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "schemathesis==$version"
fi
scratch=$(mktemp -d /tmp/iam-conformance.XXXXXX)
port=$((30000 + RANDOM % 10000))
IAM_ADMIN_PASSWORD='Admin@2021' .build/debug/iam apiserver --insecure.bind-port "$port" --data-dir "$scratch" \
    --store "$store" --jwt.key conformance-key --bcrypt-cost 4 --log.level warning >"$scratch/apiserver.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$scratch"' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
curl -fs "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$scratch/apiserver.log" >&2; exit 1; }

auth="Authorization: Basic $(printf 'admin:Admin@2021' | base64)"
"$venv/bin/schemathesis" run "http://127.0.0.1:$port/openapi.json" \
    --header "$auth" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
    --phases examples,coverage,fuzzing,stateful \
    --max-examples "${CONFORMANCE_EXAMPLES:-40}" --workers 2 --seed 42 \
    --wait-for-schema 10
status=$?
if grep -q "error" "$scratch/apiserver.log"; then grep "error" "$scratch/apiserver.log" | head -20 >&2; fi
exit $status
