#!/usr/bin/env bash
# Endpoint factory for DATAMESH_TEST_ENDPOINT_FACTORY: starts `datamesh serve` on a fresh mesh
# file in the scratch folder ($1) on a free loopback port, prints its http:// endpoint, and
# leaves a watchdog that stops the server (SIGTERM) once the test removes its scratch folder.
# Usage: DATAMESH_TEST_ENDPOINT_FACTORY=tests/support/server_endpoint.sh DATAMESH_CLI=... ctest
set -euo pipefail
dir=$1
cli=${DATAMESH_CLI:?set DATAMESH_CLI to the datamesh binary}
mkdir -p "$dir"
fifo="$dir/.serve-out"
mkfifo "$fifo"
"$cli" serve --store "sqlite://$dir/mesh.db" --listen 127.0.0.1:0 --allow-initialize \
  --no-access-log >"$fifo" 2>>"$dir/.serve-err" &
pid=$!
read -r line <"$fifo"
rm -f "$fifo"
endpoint=${line##* on }
case "$endpoint" in
  http://*) ;;
  *) kill "$pid" 2>/dev/null; echo "server did not start: $line $(cat "$dir/.serve-err")" >&2; exit 1 ;;
esac
# The watchdog outlives this script; it polls for the scratch folder, then stops the server.
nohup bash -c "while [ -d '$dir' ] && kill -0 $pid 2>/dev/null; do sleep 0.2; done; kill $pid 2>/dev/null" \
  >/dev/null 2>&1 &
echo "$endpoint"
