#!/usr/bin/env bash
# tests/run.sh: every test, from a fresh clone. Installs what is missing,
# then builds and tests twice: a Release build (warnings as errors) and an
# AddressSanitizer + UndefinedBehaviorSanitizer build. Each is a plain CMake
# build directory you can reuse: build/ and build-asan/.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)

"$here/setup.sh"

run_suite() {
  local dir=$1
  shift
  echo "=== $dir: configure and build"
  cmake -S "$here" -B "$here/$dir" -G Ninja "$@"
  cmake --build "$here/$dir" -j "$jobs"
  echo "=== $dir: test"
  ctest --test-dir "$here/$dir" --output-on-failure -j "$jobs"
}

run_suite build -DCMAKE_BUILD_TYPE=Release -DBRICK_WERROR=ON -DBRICK_BUILD_TESTS=ON -DBRICK_BUILD_BENCHMARKS=ON
# LeakSanitizer stays on; LibTorch's own allocations at exit are not leaks of ours.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
# CUDA code is built and tested once, in the Release build.
run_suite build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBRICK_SANITIZE=ON -DBRICK_WERROR=ON -DBRICK_CUDA=OFF \
  -DBRICK_BUILD_TESTS=ON -DBRICK_BUILD_BENCHMARKS=OFF
echo "=== all tests passed (Release and ASan+UBSan)"
