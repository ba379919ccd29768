#!/usr/bin/env bash
# Endpoint factory for DATAMESH_TEST_ENDPOINT_FACTORY: starts `datamesh serve` on a fresh mesh
# file in the scratch folder ($1) on a free loopback port, prints its http:// endpoint, and
# leaves a watchdog that stops the server (SIGTERM) once the test removes its scratch folder.
# With DATAMESH_TEST_TLS=1 it serves HTTPS with a self-signed certificate for 127.0.0.1 that it
# makes with openssl, and prints the https:// endpoint, then DATAMESH_CA_BUNDLE=$1/tls-cert.pem
# (the environment the test's clients need: mesh_fixture.h).
# Usage: DATAMESH_TEST_ENDPOINT_FACTORY=tests/support/server_endpoint.sh DATAMESH_CLI=... ctest
set -euo pipefail
dir=$1
cli=${DATAMESH_CLI:?set DATAMESH_CLI to the datamesh binary}
mkdir -p "$dir"
fifo="$dir/.serve-out"
mkfifo "$fifo"
tls=()
if [ "${DATAMESH_TEST_TLS:-0}" = 1 ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$dir/tls-key.pem" -out "$dir/tls-cert.pem" 2>>"$dir/.serve-err"
  tls=(--tls-cert "$dir/tls-cert.pem" --tls-key "$dir/tls-key.pem")
fi
"$cli" serve --store "sqlite://$dir/mesh.db" --listen 127.0.0.1:0 --allow-initialize \
  --no-access-log "${tls[@]}" >"$fifo" 2>>"$dir/.serve-err" &
pid=$!
read -r line <"$fifo"
rm -f "$fifo"
endpoint=${line##* on }
case "$endpoint" in
  http://* | https://*) ;;
  *) kill "$pid" 2>/dev/null; echo "server did not start: $line $(cat "$dir/.serve-err")" >&2; exit 1 ;;
esac
# The watchdog outlives this script; it polls for the scratch folder, then stops the server.
nohup bash -c "while [ -d '$dir' ] && kill -0 $pid 2>/dev/null; do sleep 0.2; done; kill $pid 2>/dev/null" \
  >/dev/null 2>&1 &
echo "$endpoint"
if [ ${#tls[@]} -gt 0 ]; then echo "DATAMESH_CA_BUNDLE=$dir/tls-cert.pem"; fi
