#!/usr/bin/env bash
# tests/run.sh: every test, from a fresh clone. Installs what is missing,
# then builds and tests twice: a Release build (warnings as errors) and an
# AddressSanitizer + UndefinedBehaviorSanitizer build; then fuzzes every
# reader of outside input for 20 s each (tests/fuzz.sh, build-fuzz/) and runs
# the concurrency suite under ThreadSanitizer (build-tsan/). Each is a plain
# CMake build directory you can reuse.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)

"$here/setup.sh"

# run_suite DIR [CTEST_EXCLUDE_REGEX] CMAKE_ARGS...
run_suite() {
  local dir=$1 exclude=$2
  shift 2
  echo "=== $dir: configure and build"
  cmake -S "$here" -B "$here/$dir" -G Ninja "$@"
  cmake --build "$here/$dir" -j "$jobs"
  echo "=== $dir: test"
  ctest --test-dir "$here/$dir" --output-on-failure -j "$jobs" ${exclude:+-E "$exclude"}
}

run_suite build "" -DCMAKE_BUILD_TYPE=Release -DBRICK_WERROR=ON -DBRICK_BUILD_TESTS=ON -DBRICK_BUILD_BENCHMARKS=ON
# LeakSanitizer stays on; LibTorch's own allocations at exit are not leaks of ours.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
# CUDA code is built and tested once, in the Release build. The two
# process-level serving checks (replicas behind nginx, the deploy manifests
# against a live server) drive the same server code serve_tests runs under
# the sanitizers, so they run once, in the Release build.
run_suite build-asan '^(serve_replicas|deploy_manifests)$' -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBRICK_SANITIZE=ON -DBRICK_WERROR=ON -DBRICK_CUDA=OFF \
  -DBRICK_BUILD_TESTS=ON -DBRICK_BUILD_BENCHMARKS=OFF

# Bad input (docs/building.md, "Bad input"). Both build only what they run.
# Every fuzz target for 20 s (tests/fuzz.sh runs them longer):
"$here/tests/fuzz.sh" 20
# The concurrency suite under ThreadSanitizer: libbrick, the suite and the
# plugins it opens (LibTorch itself is not instrumented).
echo "=== build-tsan: configure and build concurrency_tests"
cmake -S "$here" -B "$here/build-tsan" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBRICK_TSAN=ON -DBRICK_CUDA=OFF \
  -DBRICK_BUILD_TESTS=ON -DBRICK_BUILD_BENCHMARKS=OFF -DBRICK_BUILD_CLI=OFF
cmake --build "$here/build-tsan" -j "$jobs" --target concurrency_tests
echo "=== build-tsan: test"
ctest --test-dir "$here/build-tsan" -R '^concurrency_tests$' --output-on-failure
echo "=== all tests passed (Release, ASan+UBSan, fuzzing, TSan)"
