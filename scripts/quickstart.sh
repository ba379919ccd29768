#!/usr/bin/env bash
# Sets everything up on a fresh Debian 12 machine and runs the walkthrough on a fresh embedded
# mesh: installs the dependencies, builds datamesh, runs `datamesh quickstart`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${DATAMESH_BUILD_DIR:-$root/build}
bash "$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDATAMESH_BUILD_TESTS=OFF
cmake --build "$build" -j"$(nproc)" --target datamesh_cli
exec "$build/src/datamesh" quickstart "$@"
