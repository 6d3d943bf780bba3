#!/usr/bin/env bash
# tests/gpu.sh: everything that needs a GPU, in one command, on a machine with
# an NVIDIA GPU, nvcc and a pip-installed PyTorch (CUDA build): builds brick
# against that PyTorch's LibTorch into build-gpu/, runs the CUDA tests, then
# the whole suite, and prints the GPU figures. Meant to finish in under 10
# minutes on a 16-core machine.
#
#   tests/gpu.sh [OUT_DIR]     (logs and figures are also written to OUT_DIR)
#
# What such a machine may lack is built without: the brick command (CLI11),
# the image and transformers plugins (libpng, ICU) and the benchmarks skip
# themselves at configure time; GoogleTest is built from /usr/src/googletest
# when only its headers are installed.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/build-gpu/out}
build=$here/build-gpu
mkdir -p "$out" "$build"
jobs=$(nproc)
log() { echo "=== $*" | tee -a "$out/gpu.log"; }

python=$(command -v python3)
torch_prefix=$("$python" -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>/dev/null) || {
  echo "gpu.sh: no PyTorch for $python (needs a pip-installed torch with CUDA)"
  exit 77
}
"$python" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' || {
  echo "gpu.sh: PyTorch sees no GPU; nothing to do"
  exit 77
}
"$python" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name(0))' |
  tee -a "$out/gpu.log"

prefix_path=$torch_prefix
# GoogleTest: the packaged libraries, else built from the packaged sources.
if [[ ! -e /usr/lib/x86_64-linux-gnu/libgtest.a && ! -e /usr/lib/x86_64-linux-gnu/libgtest.so && -d /usr/src/googletest ]]; then
  log "GoogleTest from /usr/src/googletest"
  cmake -S /usr/src/googletest -B "$build/googletest" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$build/googletest-prefix" >/dev/null &&
    cmake --build "$build/googletest" -j "$jobs" >/dev/null &&
    cmake --install "$build/googletest" >/dev/null
  prefix_path="$prefix_path;$build/googletest-prefix"
fi
cli=ON
[[ -e /usr/include/CLI/CLI.hpp ]] || cli=OFF

log "configure (LibTorch from $torch_prefix, CLI $cli)"
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBRICK_CUDA=ON \
  -DCMAKE_PREFIX_PATH="$prefix_path" -DBRICK_BUILD_CLI=$cli -DBRICK_BUILD_BENCHMARKS=ON \
  -DCMAKE_CUDA_ARCHITECTURES=native 2>&1 | tail -n 25 | tee -a "$out/gpu.log"
log "build"
start=$(date +%s)
cmake --build "$build" -j "$jobs" 2>&1 | tail -n 40 | tee -a "$out/gpu.log"
status=${PIPESTATUS[0]}
log "built in $(($(date +%s) - start)) s (status $status)"
((status == 0)) || exit 1

log "CUDA tests"
ctest --test-dir "$build" --output-on-failure -R 'cuda|gpu|stream' 2>&1 | tee "$out/cuda-tests.log" | tail -n 40
cuda_status=${PIPESTATUS[0]}
log "every test, with this LibTorch"
ctest --test-dir "$build" -j 8 --timeout 300 2>&1 | tee "$out/all-tests.log" | tail -n 40

log "figures"
if [[ -x $build/bin/brick ]]; then
  for device in cpu cuda; do
    for steps in 1 20; do
      t0=$(date +%s.%N)
      "$build/bin/brick" run text2image num_inference_steps=$steps --device $device -o "$out/text2image-$device.png" \
        >/dev/null 2>>"$out/gpu.log"
      t1=$(date +%s.%N)
      echo "brick run text2image --device $device, $steps steps: $(echo "$t1 - $t0" | bc) s" | tee -a "$out/figures.txt"
    done
  done
fi
for bench in "$build"/bin/*_bench; do
  [[ -x $bench ]] || continue
  "$bench" --benchmark_filter='[Cc]uda|CUDA|Gpu|GPU' --benchmark_min_time=0.2 2>/dev/null |
    grep -E '^[A-Za-z]' | tee -a "$out/figures.txt"
done
exit "$cuda_status"
