#!/usr/bin/env bash
# Runs every libFuzzer target of fuzz/ for N seconds each (as many at once as there are cores,
# DATAMESH_FUZZ_JOBS) and prints the executions of each.
#
#   scripts/fuzz.sh [seconds] [target...]      default: 20 seconds, every target
#
# Builds the targets first (clang, ASan + UBSan, -DDATAMESH_FUZZ=ON) in $DATAMESH_FUZZ_BUILD_DIR
# (default build-asan, the build scripts/sanitize.sh also tests in). Each target starts from its
# committed corpus (fuzz/corpus/<target>, never written to) plus what earlier runs found, kept
# in <build>/fuzz-runs/<target>/corpus. A crash, leak, timeout (-timeout, default 10 s per input)
# or broken property stops that target; its input is saved in <build>/fuzz-runs/<target>/ and
# the script exits 1 after running the others. Reproduce with: <build>/fuzz/<target> <file>.
#
# Longer runs: scripts/fuzz.sh 3600; or several processes of one target:
#   <build>/fuzz/<target> -jobs=2 -workers=2 -max_total_time=3600 <dir> fuzz/corpus/<target>
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-20}
[ $# -gt 0 ] && shift
build=${DATAMESH_FUZZ_BUILD_DIR:-$root/build-asan}
timeout_per_input=${DATAMESH_FUZZ_TIMEOUT:-10}

all_targets=(route_body_fuzzer sigv4_fuzzer glue_import_fuzzer pattern_fuzzer cron_fuzzer
             credentials_fuzzer aws_credentials_fuzzer)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="${DATAMESH_SANITIZE_CXX_FLAGS:--O1 -gline-tables-only}" \
    -DDATAMESH_FUZZ=ON \
    -DDATAMESH_BUILD_BENCH=OFF -DDATAMESH_BUILD_EXAMPLES=OFF >/dev/null
fi
cmake --build "$build" --target "${targets[@]}" -j2 >/dev/null

# Symbolized reports; a leak in a run is a failure like a crash.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
# One target's run; its table row goes to <work>/row, and a failure also to <work>/failed.
run_target() {
  local target=$1 work="$build/fuzz-runs/$1" result=ok
  mkdir -p "$work/corpus"
  rm -f "$work/row" "$work/failed"
  local log="$work/last-run.log"
  # A target's dictionary (fuzz/dict/<target>.dict), when it has one: tokens of hostile inputs.
  local dict=()
  [ -f "$root/fuzz/dict/$target.dict" ] && dict=(-dict="$root/fuzz/dict/$target.dict")
  if ! "$build/fuzz/$target" -max_total_time="$seconds" -timeout="$timeout_per_input" \
      -print_final_stats=1 -artifact_prefix="$work/" "${dict[@]}" \
      "$work/corpus" "$root/fuzz/corpus/$target" >"$log" 2>&1; then
    result="FAILED: $(grep -o "Test unit written to .*" "$log" | tail -1 || true); log: $log"
    touch "$work/failed"
  fi
  local runs speed corpus
  runs=$(awk '/stat::number_of_executed_units:/ {print $2}' "$log" | tail -1)
  speed=$(awk '/stat::average_exec_per_sec:/ {print $2}' "$log" | tail -1)
  corpus=$(find "$work/corpus" -type f | wc -l)
  printf '%-22s %12s %10s %10s  %s\n' "$target" "${runs:-?}" "${speed:-?}" "$corpus" "$result" \
    >"$work/row"
}

# A libFuzzer process runs on one core: as many targets at once as there are cores
# (DATAMESH_FUZZ_JOBS), each for its full time.
parallel=${DATAMESH_FUZZ_JOBS:-$(nproc)}
running=0
for target in "${targets[@]}"; do
  run_target "$target" &
  running=$((running + 1))
  if [ "$running" -ge "$parallel" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait

printf '%-22s %12s %10s %10s  %s\n' target executions exec/s corpus result
for target in "${targets[@]}"; do
  cat "$build/fuzz-runs/$target/row"
  if [ -e "$build/fuzz-runs/$target/failed" ]; then failed+=("$target"); fi
done

if [ ${#failed[@]} -gt 0 ]; then
  for target in "${failed[@]}"; do
    echo "---- $target: end of $build/fuzz-runs/$target/last-run.log" >&2
    tail -n 40 "$build/fuzz-runs/$target/last-run.log" >&2
  done
  exit 1
fi
