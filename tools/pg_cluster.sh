#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests (issue 15): initdb into a folder, postgres on a
# loopback port, trust authentication (nothing but this machine can connect, and the data are
# test data). Used by .ci/run and by developers; tools/test.sh picks the cluster up when it runs.
#
#   tools/pg_cluster.sh start   # prints the URL, e.g. postgresql://voek@127.0.0.1:55432/voek
#   tools/pg_cluster.sh url     # the URL of the running cluster (exit 1 when none runs)
#   tools/pg_cluster.sh stop    # stops it and deletes its folder
#
# VOEK_PG_DIR (default /tmp/voek-pg) and VOEK_PG_PORT (default 55432) choose where and which port.
# PostgreSQL refuses to run as root: as root the cluster belongs to the user "voekpg" (created
# when missing) and is run with runuser. The binaries come from /usr/lib/postgresql/*/bin
# (Debian's "postgresql" package; .ci/run installs it when missing).
set -euo pipefail
dir="${VOEK_PG_DIR:-/tmp/voek-pg}"
port="${VOEK_PG_PORT:-55432}"
url="postgresql://voek@127.0.0.1:${port}/voek"

bin=""
for candidate in /usr/lib/postgresql/*/bin; do
    [[ -x "$candidate/pg_ctl" ]] && bin="$candidate"  # the newest version sorts last
done
if [[ -z "$bin" ]]; then
    echo "PostgreSQL is not installed (apt-get install -y postgresql)" >&2
    exit 2
fi

as_owner() {
    if [[ "$(id -u)" == 0 ]]; then
        # From / : the clone CI runs in may be a folder the cluster's user cannot enter.
        (cd / && runuser -u voekpg -- "$@")
    else
        "$@"
    fi
}

running() {
    [[ -f "$dir/data/postmaster.pid" ]] && as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

case "${1:-start}" in
start)
    if running; then
        echo "$url"
        exit 0
    fi
    if [[ "$(id -u)" == 0 ]] && ! id voekpg >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin voekpg
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    [[ "$(id -u)" == 0 ]] && chown voekpg "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U voek --auth=trust -E UTF8 --locale=C.UTF-8 \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    # A test cluster: no durability needed, so no fsync; enough connections for the pools of
    # the servers a test module starts at once.
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start -o \
        "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir \
         -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
        >/dev/null || { cat "$dir/postgres.log" >&2; exit 1; }
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U voek voek
    echo "$url" >"$dir/url"
    echo "$url"
    ;;
url)
    running || exit 1
    echo "$url"
    ;;
stop)
    if running; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|url|stop" >&2
    exit 2
    ;;
esac
