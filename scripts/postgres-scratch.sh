#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests and benchmarks: its own data directory, TCP on 127.0.0.1:PORT,
# trust authentication, nothing shared with a system cluster.
#   scripts/postgres-scratch.sh start DIR [PORT] [--malloc-tunables]   prints the URL to use
#                                                (postgres://postgres@127.0.0.1:PORT/postgres)
#   scripts/postgres-scratch.sh stop DIR
# --malloc-tunables starts the server with the glibc malloc settings the README recommends for a PostgreSQL that
# takes the audit queue: its backends keep the heap a batch needs instead of returning it to the kernel after every
# batch and faulting it back in for the next (no mmap for blocks under 32 MiB, no trimming while less than 64 MiB
# is free).
set -euo pipefail
action=${1:?start|stop}
dir=${2:?data directory}
port=${3:-55432}
if [ "${4:-}" = --malloc-tunables ]; then
    export GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=67108864
elif [ -n "${4:-}" ]; then
    echo "postgres-scratch: unknown option $4 (--malloc-tunables)" >&2; exit 2
fi

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bindir" ] || { echo "postgres-scratch: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }

# PostgreSQL refuses to run as root: use the postgres system user then.
if [ "$(id -u)" -eq 0 ]; then as=(runuser -u postgres --); else as=(); fi

case "$action" in
start)
    mkdir -p "$dir"
    # As root the server runs as the postgres user, which must own the data directory and reach it
    # (mktemp -d makes its directories private to root).
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; chmod a+x "$(dirname "$dir")"; fi
    if [ ! -f "$dir/PG_VERSION" ]; then
        "${as[@]}" "$bindir/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 >"$dir.initdb.log" 2>&1 \
            || { cat "$dir.initdb.log" >&2; exit 1; }
    fi
    "${as[@]}" "$bindir/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c fsync=off" start >/dev/null \
        || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
    ;;
stop)
    "${as[@]}" "$bindir/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
    ;;
*) echo "postgres-scratch: unknown action $action (start|stop)" >&2; exit 2 ;;
esac
