#!/usr/bin/env bash
# Sets everything up on a fresh Debian 12 machine and runs every test: installs the
# dependencies, builds, installs the library into a temporary prefix and builds and runs
# examples/ against it with find_package(datamesh), then runs the CTest suite, each test once:
# the labels of scripts/ci-labels.sh under ASan + UBSan (scripts/sanitize.sh address, which also
# replays every fuzz corpus), the others in this build. docs/RELIABILITY.md says what each part
# proves.
#
# Left to the developer who changes what they guard, because CI's 30 minutes on 2 cores do not
# hold them (each is a third build from scratch; on 2026-12-05, with the scenario suites in the
# sanitizer job as well, this command had run 25.6 minutes when the ASan build finished): the TSan job (scripts/sanitize.sh thread) and fuzzing (scripts/fuzz.sh). Set
# DATAMESH_CI_THREADS=1 and DATAMESH_CI_FUZZ_SECONDS=N to run them here after the rest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${DATAMESH_BUILD_DIR:-$root/build}
bash "$root/scripts/install-deps.sh"

# CI builds from scratch twice (this build and the ASan+UBSan one) and has 30 minutes on 2 cores, so every build compiles without optimisation: a test file then
# compiles in less than half the time (measured: 10 s against 23 s at -O2 -g for one e2e file;
# 26 s against 47 s with ASan at -O1), and the tests mostly wait on processes anyway. -g1 keeps
# the line tables that backtraces need and drops the rest (15% less compile time). Every build
# is a unity build (CMakeLists.txt): about half the compiler time again.
# This build runs the labels the sanitizer job does not (scripts/ci-labels.sh): the scenario
# suites and their copies on other endpoints, the AWS-mode suites, the AWS failure sweep and the
# reliability suites and the web console's browser suite, so it compiles only those areas of
# tests/ (the unit, store, AWS client and server suites are compiled and run by the sanitizer
# job).
# The tests are asked for by name: a tree configured without them (DATAMESH_BUILD_TESTS=OFF in
# its cache) would otherwise build none, and ctest would find nothing to fail.
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g1" \
  -DDATAMESH_BUILD_TESTS=ON -DDATAMESH_TEST_AREAS="e2e;audit;cli;awsmode;reliability;console"
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

# Each test runs once in CI: here the labels the sanitizer job below does not run
# (scripts/ci-labels.sh says which and why). Most tests wait on child processes (servers,
# PostgreSQL, moto, the CLI) more than they compute, so one more test than cores keeps both
# cores busy.
source "$root/scripts/ci-labels.sh"
ctest --test-dir "$build" --output-on-failure --no-tests=error -j"$(( $(nproc) + 1 ))" \
  -LE "$DATAMESH_SANITIZED_LABELS"

export DATAMESH_SANITIZE_CXX_FLAGS=${DATAMESH_SANITIZE_CXX_FLAGS:--O0 -gline-tables-only}
bash "$root/scripts/sanitize.sh" address
if [ "${DATAMESH_CI_THREADS:-0}" = 1 ]; then
  bash "$root/scripts/sanitize.sh" thread
fi
# The fuzz targets are in the ASan build just made (build-asan).
if [ "${DATAMESH_CI_FUZZ_SECONDS:-0}" -gt 0 ]; then
  bash "$root/scripts/fuzz.sh" "$DATAMESH_CI_FUZZ_SECONDS"
fi
