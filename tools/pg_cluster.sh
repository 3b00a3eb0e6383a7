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
# PostgreSQL refuses to run as root: as root the cluster belongs to the system user VOEK_PG_USER
# (default "voekpg") and is run with runuser. The user is made when missing, marked as this
# script's by its comment field, and `stop` deletes it again once no process of it is left (the
# last cluster of several stopped): the machine is left as it was found. A user that existed
# before (without the mark) is never deleted. The binaries come from /usr/lib/postgresql/*/bin
# (Debian's "postgresql" package; .ci/run installs it when missing, and leaves it installed:
# the next run on that machine needs it again).
set -euo pipefail
dir="${VOEK_PG_DIR:-/tmp/voek-pg}"
port="${VOEK_PG_PORT:-55432}"
user="${VOEK_PG_USER:-voekpg}"
url="postgresql://voek@127.0.0.1:${port}/voek"
# The comment field of a user this script made (getent passwd: field 5).
mark="throw-away test clusters of voek_desktop tools/pg_cluster.sh"

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
        (cd / && runuser -u "$user" -- "$@")
    else
        "$@"
    fi
}

# The user goes with the last cluster that runs as it, if this script made it: a sibling cluster
# of another VOEK_PG_DIR still running keeps it. (Only live processes count: the stopped
# postmaster's children may linger a moment as zombies.)
forget_user() {
    if [[ "$(id -u)" == 0 ]] && [[ "$(getent passwd "$user" | cut -d: -f5)" == "$mark" ]] \
        && ! ps -u "$user" -o stat= | grep -qv '^Z'; then
        userdel "$user"
    fi
}

# A start that failed (a port in use, a full disk): its log, then nothing left behind.
failed() {
    cat "$1" >&2
    rm -rf "$dir"
    forget_user
    exit 1
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
    if [[ "$(id -u)" == 0 ]] && ! id "$user" >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin --comment "$mark" "$user"
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    if [[ "$(id -u)" == 0 ]]; then chown "$user" "$dir"; fi
    as_owner "$bin/initdb" -D "$dir/data" -U voek --auth=trust -E UTF8 --locale=C.UTF-8 \
        >"$dir/initdb.log" 2>&1 || failed "$dir/initdb.log"
    # A test cluster: no durability needed, so no fsync; enough connections for the pools of
    # the servers a test module starts at once.
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start -o \
        "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir \
         -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
        >/dev/null || failed "$dir/postgres.log"
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
    forget_user
    ;;
*)
    echo "usage: $0 start|url|stop" >&2
    exit 2
    ;;
esac
