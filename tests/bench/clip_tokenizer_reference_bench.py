#!/usr/bin/python3
"""OpenAI's clip/simple_tokenizer.py on the corpus transformers_bench tokenizes (not run by CI).

The 231 prompts of tests/first_party/transformers/fixtures/tokenizer_corpus.json, encoded by
SimpleTokenizer.encode from a checkout of openai/CLIP (ftfy.fix_text replaced by the identity,
as make_tokenizer_fixtures.py does): a fresh tokenizer's first pass (cold cache), then the best
of 20 passes (warm). It returns lists of ids: no padding, no tensors.

    /usr/bin/python3 tests/bench/clip_tokenizer_reference_bench.py --clip <checkout of openai/CLIP>
"""
import argparse
import importlib.util
import json
import os
import sys
import time
import types

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "first_party", "transformers", "fixtures",
                      "tokenizer_corpus.json")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clip", required=True, help="a checkout of openai/CLIP")
    args = parser.parse_args()
    sys.modules["ftfy"] = types.SimpleNamespace(fix_text=lambda text: text)
    spec = importlib.util.spec_from_file_location("simple_tokenizer",
                                                  os.path.join(args.clip, "clip", "simple_tokenizer.py"))
    simple_tokenizer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(simple_tokenizer)
    with open(CORPUS, encoding="ascii") as f:
        prompts = [entry["text"] for entry in json.load(f)["prompts"]]
    tokenizer = simple_tokenizer.SimpleTokenizer(os.path.join(args.clip, "clip", "bpe_simple_vocab_16e6.txt.gz"))
    start = time.perf_counter()
    for prompt in prompts:
        tokenizer.encode(prompt)
    cold = time.perf_counter() - start
    warm = float("inf")
    for _ in range(20):
        start = time.perf_counter()
        for prompt in prompts:
            tokenizer.encode(prompt)
        warm = min(warm, time.perf_counter() - start)
    print("OpenAI simple_tokenizer, %d prompts: cold %.0f prompts/s, warm %.0f prompts/s"
          % (len(prompts), len(prompts) / cold, len(prompts) / warm))


if __name__ == "__main__":
    main()
