#!/usr/bin/env bash
# Sets everything up on a fresh Debian 12 machine, runs the walkthrough on a fresh embedded mesh
# (the default mode), then serves that mesh over HTTP so that teams can reach it: installs the
# dependencies, builds datamesh, runs `datamesh quickstart`, then `datamesh serve` until Ctrl-C.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# A build tree of its own: scripts/test.sh configures build/ with the tests and another build
# type, and a tree configured here without tests would leave that command nothing to run.
build=${DATAMESH_BUILD_DIR:-$root/build-quickstart}
listen=${DATAMESH_LISTEN:-127.0.0.1:8080}
bash "$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDATAMESH_BUILD_TESTS=OFF \
  -DDATAMESH_BUILD_BENCH=OFF
cmake --build "$build" -j"$(nproc)" --target datamesh_cli
datamesh="$build/src/datamesh"

mesh_dir=$(mktemp -d /tmp/datamesh-quickstart-XXXXXX)
"$datamesh" quickstart --mesh-file "$mesh_dir/mesh.db"

cat <<EOT

== The same mesh, served over HTTP (Ctrl-C or SIGTERM stops it gracefully)
Reach it from another shell with the admin credentials the walkthrough saved:
  $datamesh --endpoint http://$listen \\
      --credentials-file $mesh_dir/mesh.db.admin-credentials.json admin list-accounts
Web console: http://$listen/ (sign in with the AccessKeyId and SecretAccessKey in that file)
Health: curl http://$listen/healthz   Metrics: curl http://$listen/metrics
EOT
exec "$datamesh" serve --store "sqlite://$mesh_dir/mesh.db" --listen "$listen"
