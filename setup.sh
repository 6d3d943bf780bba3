#!/usr/bin/env bash
# setup.sh: installs brick's dependencies from Debian's packages (bookworm),
# and with --build also configures and builds brick into build/.
#
#   ./setup.sh            install what is missing (safe to run again: it only
#                         calls apt when a package is missing)
#   ./setup.sh --build    the same, then a Release build of brick (library,
#                         command, first-party plugins) in build/; the tests
#                         build with tests/run.sh
#
# Why these packages (docs/building.md has the details):
#   libtorch-dev            LibTorch 1.13 (CPU): tensors in host and plugins
#   libboost1.81-dev        Boost.DLL (loading plugins) and Boost.JSON (header-only)
#   libboost-json1.81-dev   Boost.JSON's CMake package
#                           (only versioned 1.81 packages: they conflict with 1.74's)
#   libcli11-dev            command-line parsing for `brick`
#   libdlpack-dev           dlpack.h for plugins in plain C
#   libopenblas0-pthread    a fast BLAS for LibTorch (the default is the reference one)
#   libgtest-dev, libbenchmark-dev   tests and benchmarks
#   libpng-dev              PNG reading and writing in the image plugin (plugins/image)
#   libicu-dev              Unicode categories and lower-casing for the CLIP tokenizer
#                           (plugins/transformers; LibTorch already loads libicuuc)
#   libopenmpi-dev, openmpi-bin   MPI for `brick batch` over processes and machines
#                           (mpirun; BRICK_MPI, on when found) and its tests
#   chromium, chromium-driver   headless Chromium that drives `brick serve`'s web page in its
#                           test (tests/serve/serve_web_test.cpp; skipped when missing)
#   prometheus              promtool, which checks `brick serve`'s GET /metrics page
#                           (tests/serve/serve_metrics_test.cpp, tests/serve/replicas_test.py)
#   nginx                   the load balancer in front of two `brick serve` replicas in
#                           tests/serve/replicas_test.py (run unprivileged from a temp dir;
#                           the test skips without it)
#   python3-yaml            reads the Kubernetes manifests of deploy/ in their offline check
#                           (tests/serve/deploy_manifests_test.py)
#   libclang-rt-14-dev      libFuzzer's engine (libclang_rt.fuzzer-x86_64.a), linked into
#                           the fuzz targets (tests/fuzz.sh; g++ instruments, not clang)
#   cmake, ninja-build, g++, ccache, binutils (readelf)   the build
set -euo pipefail

packages=(
  cmake ninja-build g++ ccache binutils
  libtorch-dev libboost1.81-dev libboost-json1.81-dev libcli11-dev libdlpack-dev libopenblas0-pthread
  libgtest-dev libbenchmark-dev libpng-dev libicu-dev libopenmpi-dev openmpi-bin libclang-rt-14-dev
  chromium chromium-driver prometheus nginx python3-yaml
)

build=0
for arg in "$@"; do
  case "$arg" in
    --build) build=1 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  as_root=()
  if [[ $EUID -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "setup.sh: run as root (or install sudo) to install: ${missing[*]}" >&2; exit 1; }
    as_root=(sudo)
  fi
  echo "setup.sh: installing ${missing[*]}"
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup.sh: all dependencies are installed"
fi

if ((build)); then
  here=$(cd "$(dirname "$0")" && pwd)
  cmake -S "$here" -B "$here/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DBRICK_BUILD_TESTS=OFF -DBRICK_BUILD_BENCHMARKS=OFF
  cmake --build "$here/build" -j "$(nproc)"
  echo "setup.sh: built into $here/build (bin/brick, lib/libbrick.so, lib/brick/plugins/)"
fi
