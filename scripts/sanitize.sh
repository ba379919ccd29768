#!/usr/bin/env bash
# The sanitizer jobs of CI (docs/RELIABILITY.md#sanitizers-and-secrets), with clang:
#
#   scripts/sanitize.sh [address|thread|all]        default: all
#
#   address  ASan + UBSan (and libFuzzer coverage: the same build as scripts/fuzz.sh) in
#            $DATAMESH_ASAN_BUILD_DIR (default build-asan): the labels scripts/ci-labels.sh
#            names (the unit, store, AWS client and server suites, the PostgreSQL store's
#            suites, and a replay of every fuzz corpus).
#   thread   TSan in $DATAMESH_TSAN_BUILD_DIR (default build-tsan): the tests that run threads
#            or processes at once (concurrency_tests: the server under concurrent load, its
#            shutdown, transport and metrics, the multi-process e2e test, the store's
#            concurrency tests, the thread-safe key cache and secret box, the renewal of
#            assumed-role credentials).
#
# DATAMESH_SANITIZE_CXX_FLAGS sets the compile flags of a new build directory (default
# "-O1 -gline-tables-only"; CI uses -O0, which compiles in half the time and runs slower).
#
# Any report fails the run: UBSan stops at the first undefined behaviour, ASan reports leaks,
# TSan exits non-zero after a race. Only the test executables a job runs are built.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
job=${1:-all}
source "$root/scripts/ci-labels.sh"
jobs=${DATAMESH_SANITIZE_JOBS:-2}

configure() {  # build dir, extra cmake arguments...
  local build=$1
  shift
  if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="${DATAMESH_SANITIZE_CXX_FLAGS:--O1 -gline-tables-only}" \
      -DDATAMESH_BUILD_BENCH=OFF -DDATAMESH_BUILD_EXAMPLES=OFF "$@" >/dev/null
  fi
}

timed() {  # label, command...
  local label=$1 start=$SECONDS
  shift
  "$@"
  echo "sanitize: $label took $((SECONDS - start)) s"
}

run_address() {
  local build=${DATAMESH_ASAN_BUILD_DIR:-$root/build-asan}
  configure "$build" -DDATAMESH_FUZZ=ON
  timed "address build" cmake --build "$build" -j"$jobs" --target datamesh_cli unit_tests \
    store_tests aws_tests server_tests fuzzers
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  # The labels of scripts/ci-labels.sh; the scenario suites run in the main build
  # (scripts/test.sh).
  # One more test than jobs: most tests wait on processes.
  timed "address tests" ctest --test-dir "$build" -j"$((jobs + 1))" --output-on-failure \
    --no-tests=error -L "$DATAMESH_SANITIZED_LABELS"
}

run_thread() {
  local build=${DATAMESH_TSAN_BUILD_DIR:-$root/build-tsan}
  configure "$build" -DDATAMESH_SANITIZE=thread
  # concurrency_tests (tests/CMakeLists.txt): only the suites that run threads or processes.
  timed "thread build" cmake --build "$build" -j"$jobs" --target datamesh_cli concurrency_tests
  # second_deadlock_stack: both stacks of a lock-order inversion, not only one.
  export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
  timed "thread tests" ctest --test-dir "$build" -j"$jobs" --output-on-failure --no-tests=error \
    -L tsan
}

case $job in
  address) run_address ;;
  thread) run_thread ;;
  all) run_address; run_thread ;;
  *) echo "usage: $0 [address|thread|all]" >&2; exit 2 ;;
esac
