#!/usr/bin/python3
"""brick's CLIPTextModel beside the pure-PyTorch reference, on the same machine (not run by CI).

The case: Stable Diffusion 1.5's text encoder config (openai/clip-vit-large-patch14's text model:
12 layers, width 768, 12 heads, quick_gelu, eos_token_id 2), random weights, 77 random token ids,
batch 1 and 2, float32 on the CPU, one LibTorch thread and one OpenBLAS thread. The reference is
tests/first_party/transformers/make_model_fixtures.py's (transformers' eager CLIPTextModel
re-written), called under torch.no_grad() as diffusers calls its text encoder; brick's is
build/bin/transformers_bench (BM_CLIPTextModelEager, through the host and the plugin ABI).

The two run in turns, --rounds times, and each figure is the best of its rounds: on a shared
machine the other load only ever adds time. CPU time is the primary figure (both run on one
thread, so it is the work done); wall time is printed too.

    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 PYTHONPATH=/work/shared/reference/pyref/shim \\
      /usr/bin/python3 tests/bench/clip_text_reference_bench.py --brick build/bin/transformers_bench

(PYTHONPATH: any path to shared/reference/pyref/shim, for the `safetensors` module the fixture
script imports.) Without --brick, only the reference runs.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "first_party", "transformers"))
from make_model_fixtures import CLIPTextConfig, CLIPTextModel, init_weights  # noqa: E402


def reference_model():
    torch.manual_seed(0)
    config = CLIPTextConfig(vocab_size=49408, hidden_size=768, intermediate_size=3072, projection_dim=768,
                            num_hidden_layers=12, num_attention_heads=12, max_position_embeddings=77,
                            hidden_act="quick_gelu", bos_token_id=0, eos_token_id=2, pad_token_id=1)
    model = CLIPTextModel(config).eval()
    init_weights(model, config)
    return model


def time_reference(model, batch, seconds):
    """(cpu ms, wall ms) per call, averaged over at least `seconds`."""
    ids = torch.randint(0, 49406, (batch, 77))
    with torch.no_grad():
        model(ids)  # warm-up
        runs, wall, cpu = 0, time.perf_counter(), time.process_time()
        while time.perf_counter() - wall < seconds:
            model(ids)
            runs += 1
        return ((time.process_time() - cpu) / runs * 1e3, (time.perf_counter() - wall) / runs * 1e3)


def time_brick(binary, seconds):
    """{batch: (cpu ms, wall ms)} from one run of transformers_bench."""
    out = subprocess.run([binary, "--threads", "1", "--benchmark_filter=BM_CLIPTextModelEager",
                          "--benchmark_min_time=%g" % seconds, "--benchmark_format=json"],
                         check=True, capture_output=True, text=True).stdout
    times = {}
    for b in json.loads(out)["benchmarks"]:
        batch = int(b["name"].split("/")[1])
        scale = {"ms": 1.0, "us": 1e-3, "ns": 1e-6, "s": 1e3}[b["time_unit"]]
        times[batch] = (b["cpu_time"] * scale, b["real_time"] * scale)
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--brick", help="build/bin/transformers_bench, to run beside the reference")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=2.0, help="minimum time per case and round")
    args = parser.parse_args()
    torch.set_num_threads(1)
    model = reference_model()
    best = {}
    for _ in range(args.rounds):
        for batch in (1, 2):
            cpu, wall = time_reference(model, batch, args.seconds)
            old = best.get(("reference", batch), (float("inf"), float("inf")))
            best[("reference", batch)] = (min(old[0], cpu), min(old[1], wall))
        if args.brick:
            for batch, (cpu, wall) in time_brick(args.brick, args.seconds).items():
                old = best.get(("brick", batch), (float("inf"), float("inf")))
                best[("brick", batch)] = (min(old[0], cpu), min(old[1], wall))
    print("torch %s, 1 thread, best of %d rounds" % (torch.__version__, args.rounds))
    for batch in (1, 2):
        ref = best[("reference", batch)]
        line = "batch %d: reference %.1f ms cpu (%.1f wall)" % (batch, ref[0], ref[1])
        if ("brick", batch) in best:
            mine = best[("brick", batch)]
            line += ", brick %.1f ms cpu (%.1f wall), brick/reference %.2f" % (mine[0], mine[1], mine[0] / ref[0])
        print(line)


if __name__ == "__main__":
    main()
