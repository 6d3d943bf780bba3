#!/bin/sh
# Load time and peak RSS of Stable Diffusion 1.5's UNet (random weights) from safetensors, one command:
#   tests/bench/unet_load.sh [WORKDIR]       (default /tmp/brick-unet-load; needs ~5.2 GB of disk)
# Writes the folders once (float32 and float16 files), then loads each in a fresh process:
# float32 file as float32, float16 file as float16, float16 file as float32, float32 file as float16.
# Each line: load_s, weights_bytes, peak RSS and peak_over_weights (the peak resident memory
# added by loading and reading every weight, over the loaded weights' size).
set -e
here=$(cd "$(dirname "$0")" && pwd)
bin=${BRICK_BIN:-$here/../../build/bin}
work=${1:-/tmp/brick-unet-load}
[ -f "$work/fp32/diffusion_pytorch_model.safetensors" ] || "$bin/diffusers_unet_load" make "$work/fp32" float32
[ -f "$work/fp16/diffusion_pytorch_model.safetensors" ] || "$bin/diffusers_unet_load" make "$work/fp16" float16
for case in "fp32 float32" "fp16 float16" "fp16 float32" "fp32 float16"; do
  set -- $case
  printf '%s file, torch_dtype %s: ' "$1" "$2"
  "$bin/diffusers_unet_load" load "$work/$1" "$2"
done
