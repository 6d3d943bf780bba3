#!/usr/bin/env bash
# tests/fuzz.sh [SECONDS] [TARGET...]: builds the libFuzzer targets
# (tests/fuzz, -DBRICK_FUZZ=ON) in build-fuzz/ and runs each for SECONDS
# (default 600; tests/run.sh runs 30). Targets: pipeline_file safetensors png
# modular_model_index registry_cache lock_file value_text (default: all).
#
# Each target starts from its seeds (tests/fuzz/seeds/<target>, plus the
# tests' own pipeline files and safetensors fixtures) and keeps what it
# found in build-fuzz/corpus/<target>, so a later run goes on from there.
# A crash, a sanitizer report, an uncaught exception, a leak, an input slower
# than 10 s or one using more than 2 GiB is a finding: written to
# build-fuzz/findings/<target>-*, and the script exits 1 after running the
# others. Reproduce one with build-fuzz/fuzz/<target>_fuzz FILE, then make it
# a regression test in the normal suites (docs/building.md, "Bad input").
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-600}
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(pipeline_file safetensors png modular_model_index registry_cache lock_file value_text)
fi
build=$here/build-fuzz

cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBRICK_FUZZ=ON -DBRICK_CUDA=OFF \
  -DBRICK_BUILD_TESTS=OFF -DBRICK_BUILD_BENCHMARKS=OFF -DBRICK_BUILD_CLI=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target fuzz_targets

# Leaks are findings too; LibTorch's own allocations at exit are not ours.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
mkdir -p "$build/findings"
# The file-reading targets write each input to a file: in memory when /dev/shm is there.
scratch=$(mktemp -d "$( [[ -w /dev/shm ]] && echo /dev/shm || echo "${TMPDIR:-/tmp}")/brick-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export TMPDIR=$scratch
failed=()
summary=()
for target in "${targets[@]}"; do
  corpus=$build/corpus/$target
  mkdir -p "$corpus"
  seeds=()
  [[ -d $here/tests/fuzz/seeds/$target ]] && seeds+=("$here/tests/fuzz/seeds/$target")
  case $target in
    pipeline_file) seeds+=("$here/pipelines") ;;
    safetensors) seeds+=("$here/tests/first_party/transformers/fixtures/expected") ;;
  esac
  log=$build/findings/$target.log
  echo "=== fuzz $target: ${seconds}s"
  # -use_value_profile: GCC's comparison coverage is the feedback (CMakeLists.txt).
  if "$build/fuzz/${target}_fuzz" -use_value_profile=1 -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build/findings/$target-" "$corpus" "${seeds[@]}" >"$log" 2>&1; then
    status=ok
  else
    status=FOUND
    failed+=("$target")
    tail -n 40 "$log"
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  summary+=("$(printf '%-20s %12s executions  %s' "$target" "${runs:-?}" "$status")")
done
echo "=== fuzz summary (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
if ((${#failed[@]})); then
  echo "fuzz: findings in ${failed[*]} (build-fuzz/findings/)" >&2
  exit 1
fi
