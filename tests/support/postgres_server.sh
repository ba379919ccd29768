#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on 127.0.0.1 for the tests (Debian's postgresql package).
#
#   postgres_server.sh start STATE_DIR   initdb into a new temporary folder, start the server on a
#                                        free port, create database datamesh_test, and write its
#                                        URL to STATE_DIR/url (the cluster's folder to
#                                        STATE_DIR/root, its port to STATE_DIR/port)
#   postgres_server.sh stop STATE_DIR    stop it (fast shutdown) and delete its folder
#   postgres_server.sh halt STATE_DIR    stop it (fast shutdown: sessions cut, checkpoint), keep data
#   postgres_server.sh kill STATE_DIR    stop it as a crash would (immediate shutdown), keep data
#   postgres_server.sh restart STATE_DIR start a stopped cluster again on the same port
#
# PostgreSQL refuses to run as root: as root the server runs as the user "postgres" (runuser).
# POSTGRES_SERVER_OPTIONS (e.g. "-c fsync=on -c full_page_writes=on", as the benchmark gives)
# is appended to the server's options, so it overrides the test settings below.
# fsync is off (the tests never need a power-loss guarantee; a killed server still keeps every
# commit, which sits in the OS's cache); synchronous_commit stays on, so a COMMIT that returned
# is in the WAL. The ctest fixture "postgres" runs start before and stop after the tests that
# need it (tests/CMakeLists.txt).
set -euo pipefail
command=${1:?usage: postgres_server.sh start|stop|halt|kill|restart STATE_DIR}
state=${2:?usage: postgres_server.sh start|stop|halt|kill|restart STATE_DIR}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[ -x "$pgbin/initdb" ] || { echo "postgres_server.sh: no PostgreSQL server found under /usr/lib/postgresql (apt-get install postgresql)" >&2; exit 1; }

as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  # Bind port 0 and read the port the kernel chose; a race with another process taking it
  # between here and the server's start is caught by pg_ctl and retried below.
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_server() {
  local root=$1 port=$2
  as_server_user "$pgbin/pg_ctl" -D "$root/data" -l "$root/server.log" -w -t 60 \
    -o "-p $port -k $root -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=300 ${POSTGRES_SERVER_OPTIONS:-}" \
    start >/dev/null
}

case "$command" in
  start)
    rm -rf "$state"
    mkdir -p "$state"
    root=$(mktemp -d "${TMPDIR:-/tmp}/datamesh-pg-XXXXXX")
    chmod 700 "$root"
    [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$root"
    as_server_user "$pgbin/initdb" -D "$root/data" -U postgres -A trust -E UTF8 --no-locale --no-sync \
      >"$root/initdb.log"
    started=""
    for attempt in 1 2 3 4 5; do
      port=$(free_port)
      if start_server "$root" "$port"; then started=yes; break; fi
    done
    [ -n "$started" ] || { echo "postgres_server.sh: the server did not start:" >&2; cat "$root/server.log" >&2; exit 1; }
    "$pgbin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qAtc 'CREATE DATABASE datamesh_test' >/dev/null
    echo "$root" >"$state/root"
    echo "$port" >"$state/port"
    echo "postgresql://postgres@127.0.0.1:$port/datamesh_test" >"$state/url"
    echo "postgres_server.sh: PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') at $(cat "$state/url")"
    ;;
  stop|halt|kill)
    [ -f "$state/root" ] || exit 0
    root=$(cat "$state/root")
    mode=fast
    [ "$command" = kill ] && mode=immediate
    as_server_user "$pgbin/pg_ctl" -D "$root/data" -m "$mode" -w stop >/dev/null 2>&1 || true
    if [ "$command" = stop ]; then
      rm -rf "$root" "$state"
    fi
    ;;
  restart)
    root=$(cat "$state/root")
    start_server "$root" "$(cat "$state/port")"
    ;;
  *)
    echo "postgres_server.sh: unknown command $command" >&2
    exit 2
    ;;
esac
