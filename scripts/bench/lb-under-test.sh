#!/usr/bin/env bash
# The `--lb` command for ../shared/tools/lb-bench.sh: writes an `iam lb` configuration equal to the tool's HAProxy
# anchor (round robin over $BACKEND1 and $BACKEND2, GET /healthz checks every 1s, fall 2, rise 1, redispatch,
# retries 3, keep-alive both sides) and execs the load balancer on it, so the PID lb-bench measures is iam lb itself.
#   IAM_BIN=/path/to/iam  LB_EVENT_LOOPS=1  scripts/bench/lb-under-test.sh
set -euo pipefail
: "${LB_PORT:?run by lb-bench.sh}" "${BACKEND1:?}" "${BACKEND2:?}" "${BENCH_DIR:?}"
config=$BENCH_DIR/iam-lb-$LB_PORT.cfg
cat > "$config" <<CFG
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout http-keep-alive 30s
    option http-keep-alive
    option redispatch
    retries 3

frontend fe
    bind 127.0.0.1:$LB_PORT
    default_backend be

backend be
    balance roundrobin
    option httpchk GET /healthz
    http-check expect status 200
    server b1 $BACKEND1 check inter 1s fall 2 rise 1
    server b2 $BACKEND2 check inter 1s fall 2 rise 1
CFG
exec "${IAM_BIN:?}" lb -f "$config" --event-loops "${LB_EVENT_LOOPS:-1}" --admin none --log-level warning
