#!/usr/bin/python3
"""brick's UNet2DConditionModel step beside diffusers' on the same machine, in one run (not run by CI).

The case: Stable Diffusion 1.5's and SDXL's UNet configs (tests/bench/configs/*.json, as the
checkpoints' unet/config.json have them), random weights (FLOPs are what matter), 64x64 latents,
77 encoder tokens, float32 on the CPU, the same number of LibTorch threads on both sides.
diffusers is its current source on Debian's python3-torch with shared/reference/pyref's shim (its
classic attention processor: torch 1.13 has no scaled_dot_product_attention), called under
torch.no_grad() as its pipelines call the UNet; brick's is build/bin/diffusers_bench
(BM_UNetStepSD15 / BM_UNetStepSDXL, through the host and the plugin ABI).

Each side runs in turns, --rounds times, and each figure is the best of its rounds: on a shared
machine the other load only ever adds time. The ratio is brick's time over diffusers' (below 1:
brick is faster). See tests/bench/unet_step_vs_diffusers.sh for the one-line command.
"""
import argparse
import json
import os
import subprocess
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def diffusers_step(name, batch, rounds, threads):
    from diffusers import UNet2DConditionModel
    torch.set_num_threads(threads)
    with open(os.path.join(HERE, "configs", name + "_unet.json")) as f:
        config = {k: v for k, v in json.load(f).items() if not k.startswith("_")}
    torch.manual_seed(0)
    unet = UNet2DConditionModel(**config).eval()
    xl = name == "sdxl"
    sample = torch.randn(batch, 4, 64, 64)
    context = torch.randn(batch, 77, 2048 if xl else 768)
    kwargs = {}
    if xl:
        kwargs["added_cond_kwargs"] = {"text_embeds": torch.randn(batch, 1280),
                                       "time_ids": torch.tensor([[1024.0, 1024.0, 0, 0, 1024.0, 1024.0]] * batch)}
    best = float("inf")
    with torch.no_grad():
        unet(sample, 999, encoder_hidden_states=context, **kwargs)  # warm-up
        for _ in range(rounds):
            start = time.perf_counter()
            unet(sample, 999, encoder_hidden_states=context, **kwargs)
            best = min(best, time.perf_counter() - start)
    del unet
    return best * 1000.0


def brick_step(binary, name, batch, rounds, threads):
    bench = "BM_UNetStepSD15" if name == "sd15" else "BM_UNetStepSDXL"
    best = float("inf")
    for _ in range(rounds):
        out = subprocess.run([binary, "--threads", str(threads), "--benchmark_filter=^%s/%d/" % (bench, batch),
                              "--benchmark_format=json"], check=True, capture_output=True, text=True).stdout
        for b in json.loads(out)["benchmarks"]:
            best = min(best, b["real_time"])
    return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--brick", default=os.path.join(HERE, "..", "..", "build", "bin", "diffusers_bench"))
    parser.add_argument("--configs", default="sd15:1,sd15:2,sdxl:1", help="name:batch, comma-separated")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    print("torch", torch.__version__, "threads", args.threads)
    for case in args.configs.split(","):
        name, batch = case.split(":")
        batch = int(batch)
        ours = brick_step(args.brick, name, batch, args.rounds, args.threads)
        print("%-5s batch %d 64x64: brick %9.0f ms" % (name, batch, ours), flush=True)
        ref = diffusers_step(name, batch, args.rounds, args.threads)
        print("%-5s batch %d 64x64: diffusers %9.0f ms  brick %9.0f ms  brick/diffusers %.2fx"
              % (name, batch, ref, ours, ours / ref), flush=True)


if __name__ == "__main__":
    main()
