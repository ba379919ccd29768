#!/usr/bin/env bash
# Sets everything up on a fresh Debian 12 machine and runs every test: installs the
# dependencies, builds, installs the library into a temporary prefix and builds and runs
# examples/ against it with find_package(datamesh), then runs the CTest suite.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${DATAMESH_BUILD_DIR:-$root/build}
bash "$root/scripts/install-deps.sh"

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build" -j"$(nproc)"
# The installed package works for a user project.
prefix=$(mktemp -d)
cmake --install "$build" --prefix "$prefix" >/dev/null
cmake -S "$root/examples" -B "$prefix/examples-build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$prefix/examples-build" -j"$(nproc)" >/dev/null
"$prefix/examples-build/publish_and_subscribe" "$prefix/example-mesh.db"
"$prefix/bin/datamesh" --version
rm -rf "$prefix"
echo "install check passed: find_package(datamesh) example built and ran"

ctest --test-dir "$build" --output-on-failure -j2
