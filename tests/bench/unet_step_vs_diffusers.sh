#!/bin/sh
# brick's UNet step beside diffusers' (tests/bench/unet_step_vs_diffusers.py), one command:
#   tests/bench/unet_step_vs_diffusers.sh [--configs sd15:2,sdxl:1] [--rounds N] [--threads N]
# Needs build/bin/diffusers_bench (cmake --build build --target diffusers_bench), Debian's
# python3-torch and diffusers' and huggingface_hub's src/ in $DIFFUSERS_SRC (default /tmp/ref/src;
# shared/reference/pyref/README.md says how to unpack them).
set -e
here=$(cd "$(dirname "$0")" && pwd)
shim=${PYREF_SHIM:-/work/shared/reference/pyref/shim}
src=${DIFFUSERS_SRC:-/tmp/ref/src}
OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 PYTHONPATH="$shim:$src" exec /usr/bin/python3 "$here/unet_step_vs_diffusers.py" "$@"
