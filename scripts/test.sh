#!/usr/bin/env bash
# Sets everything up on a fresh Debian 12 machine and runs every test: installs the
# dependencies, builds, installs the library into a temporary prefix and builds and runs
# examples/ against it with find_package(datamesh), runs the CTest suite, then the sanitizer
# jobs (ASan+UBSan, TSan: scripts/sanitize.sh) and every fuzz target for a short while
# (scripts/fuzz.sh; DATAMESH_CI_FUZZ_SECONDS each, default 10). docs/RELIABILITY.md says what
# each part proves.
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

# Most tests wait on child processes (servers, PostgreSQL, the CLI) more than they compute, so
# one more test than cores keeps both cores busy.
ctest --test-dir "$build" --output-on-failure -j"$(( $(nproc) + 1 ))"

bash "$root/scripts/sanitize.sh" all
bash "$root/scripts/fuzz.sh" "${DATAMESH_CI_FUZZ_SECONDS:-10}"
