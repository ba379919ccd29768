#!/usr/bin/env bash
# Endpoint factory for DATAMESH_TEST_ENDPOINT_FACTORY: starts `datamesh serve` on a new, empty
# schema of the tests' PostgreSQL database (the URL is the first line of
# $DATAMESH_TEST_POSTGRES_URL_FILE, written by postgres_server.sh) on a free loopback port,
# prints its http:// endpoint, and leaves a watchdog that stops the server (SIGTERM) and drops
# the schema once the test removes its scratch folder ($1).
# Usage: DATAMESH_TEST_ENDPOINT_FACTORY=tests/support/postgres_endpoint.sh DATAMESH_CLI=...
#        DATAMESH_TEST_POSTGRES_URL_FILE=... ctest
set -euo pipefail
dir=$1
cli=${DATAMESH_CLI:?set DATAMESH_CLI to the datamesh binary}
url=$(head -n1 "${DATAMESH_TEST_POSTGRES_URL_FILE:?set DATAMESH_TEST_POSTGRES_URL_FILE (ctest fixture postgres)}")
psql=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)/psql
# Digits and letters only: the name is spliced into CREATE SCHEMA.
schema="e$$_$(date +%s%N)"
"$psql" "$url" -qAt -v ON_ERROR_STOP=1 -c "CREATE SCHEMA $schema" >/dev/null
store="$url?options=-csearch_path%3D$schema"
mkdir -p "$dir"
fifo="$dir/.serve-out"
mkfifo "$fifo"
# A fresh master key per mesh, given as replicas are given theirs.
key=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
DATAMESH_MASTER_KEY=$key "$cli" serve --store "$store" --listen 127.0.0.1:0 --allow-initialize \
  --no-access-log >"$fifo" 2>>"$dir/.serve-err" &
pid=$!
read -r line <"$fifo" || true
rm -f "$fifo"
endpoint=${line##* on }
case "$endpoint" in
  http://*) ;;
  *)
    kill "$pid" 2>/dev/null || true
    "$psql" "$url" -qAt -c "DROP SCHEMA $schema CASCADE" >/dev/null 2>&1 || true
    echo "server did not start: $line $(cat "$dir/.serve-err")" >&2
    exit 1
    ;;
esac
# The watchdog outlives this script; it polls for the scratch folder, then stops the server,
# waits for it to exit and drops the schema.
nohup bash -c "while [ -d '$dir' ] && kill -0 $pid 2>/dev/null; do sleep 0.2; done
  kill $pid 2>/dev/null
  while kill -0 $pid 2>/dev/null; do sleep 0.1; done
  '$psql' '$url' -qAt -c 'DROP SCHEMA $schema CASCADE' >/dev/null 2>&1" >/dev/null 2>&1 &
echo "$endpoint"
