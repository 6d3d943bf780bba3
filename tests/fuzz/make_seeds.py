#!/usr/bin/env python3
"""Writes the small hand-made seeds of tests/fuzz/seeds/ (committed; run again
after a format changes). The fuzz scripts also seed from the tests' own files:
pipelines/*.json and the transformers fixtures' *.safetensors."""
import json
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def put(target, name, data):
    folder = os.path.join(HERE, "seeds", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# safetensors: 8-byte little-endian header length, JSON header, data.
def safetensors(header, data=b""):
    text = json.dumps(header, separators=(",", ":")).encode()
    return struct.pack("<Q", len(text)) + text + data


put("safetensors", "two.safetensors", safetensors(
    {"__metadata__": {"format": "pt"}, "w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]},
     "b": {"dtype": "I64", "shape": [1], "data_offsets": [16, 24]}}, bytes(range(24))))
put("safetensors", "dtypes.safetensors", safetensors(
    {"h": {"dtype": "F16", "shape": [3], "data_offsets": [0, 6]},
     "z": {"dtype": "BOOL", "shape": [0, 4], "data_offsets": [6, 6]},
     "u": {"dtype": "U8", "shape": [], "data_offsets": [6, 7]}}, bytes(7)))


# PNG: signature, IHDR, one IDAT (zlib of filtered rows), IEND.
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width, height, depth, color, rows, extra=b"", interlace=0):
    ihdr = struct.pack(">IIBBBBB", width, height, depth, color, 0, 0, interlace)
    raw = b"".join(b"\0" + row for row in rows)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


put("png", "rgb.png", png(2, 2, 8, 2, [bytes([255, 0, 0, 0, 255, 0]), bytes([0, 0, 255, 9, 9, 9])]))
put("png", "gray16.png", png(2, 1, 16, 0, [bytes([1, 2, 3, 4])]))
put("png", "gray_alpha.png", png(1, 2, 8, 4, [bytes([7, 128]), bytes([9, 255])]))
put("png", "palette.png", png(3, 1, 4, 3, [bytes([0x01, 0x20])],
                              chunk(b"PLTE", bytes([0, 0, 0, 255, 255, 255, 10, 20, 30])) + chunk(b"tRNS", bytes([0]))))
put("png", "rgba.png", png(3, 3, 8, 6, [bytes(range(12))] * 3))
put("png", "packed_gray.png", png(8, 2, 1, 0, [bytes([0xa5]), bytes([0x5a])]))

# modular_model_index.json, as diffusers' save_pretrained writes it.
put("modular_model_index", "sd.json", json.dumps({
    "_blocks_class_name": "SequentialPipelineBlocks",
    "_class_name": "StableDiffusionModularPipeline",
    "_diffusers_version": "0.35.0",
    "requires_safety_checker": False,
    "scheduler": [None, None, {"pretrained_model_name_or_path": "shapes/sd", "revision": None,
                               "subfolder": "scheduler", "type_hint": ["diffusers", "DDIMScheduler"],
                               "variant": None}],
    "unet": ["brick", "SafetensorsWeights", {"repo": "shapes/sd", "subfolder": "unet", "variant": "fp16",
                                             "type_hint": ["brick", "SafetensorsWeights"], "revision": "main"}],
}, indent=2))


# The registry cache, for the fingerprint registry_cache_fuzz.cpp uses.
def fnv1a64_words(data):
    mask = (1 << 64) - 1
    h, prime = 0xcbf29ce484222325, 0x100000001b3
    words = len(data) // 8
    for i in range(words):
        h = ((h ^ struct.unpack("<Q", data[i * 8:i * 8 + 8])[0]) * prime) & mask
    for b in data[words * 8:]:
        h = ((h ^ b) * prime) & mask
    for i in range(8):
        h = ((h ^ ((len(data) >> (8 * i)) & 0xff)) * prime) & mask
    return "%016x" % h


fingerprint = {"sdk_abi": "1.1", "torch": "1.13.1", "cuda": "none", "cxx_abi": "cxx11abi=1"}
key = fnv1a64_words(("abi=1.1;torch=1.13.1;cuda=none;cxx11abi=1").encode())
declaration = {
    "name": "Add", "description": "out = a + alpha * b", "model_name": None,
    "inputs": [{"name": "a", "type_hint": "Tensor", "required": True},
               {"name": "alpha", "type_hint": "float", "default": 1.0, "description": "scale"},
               {"kwargs_type": "denoiser_input_fields", "type_hint": "Tensor"}],
    "intermediate_inputs": [],
    "intermediate_outputs": [{"name": "out", "type_hint": "Tensor", "kwargs_type": "", "metadata": {"m": [1]}}],
    "expected_components": [{"name": "scheduler", "type_hint": "diffusers.DDIMScheduler", "description": "",
                             "config": {"num_train_timesteps": 1000}, "pretrained_model_name_or_path": None,
                             "subfolder": "scheduler", "variant": None, "revision": None,
                             "default_creation_method": "from_pretrained"}],
    "expected_configs": [{"name": "guidance", "default": 7.5, "description": ""}],
}
put("registry_cache", "cache.json", json.dumps({
    "format": "brick-registry", "schema": 1, "fingerprint": dict(fingerprint, key=key),
    "plugins": [
        {"path": "/p/libexample.so", "size": 4096, "mtime_ns": 1, "hash": "fnv1a64:0123456789abcdef",
         "status": "ok", "abi": "1.1", "name": "example", "version": "1.2.0", "description": "d",
         "torch_fingerprint": "", "blocks": [{"name": "Add", "description": "out = a + alpha * b",
                                              "declaration": declaration, "doc": "Add\n"},
                                             {"name": "Needs", "declaration": None,
                                              "declaration_error": "needs arguments"}],
         "component_types": [{"name": "Weights", "description": "weights"}]},
        {"path": "/p/libbad.so", "size": 1, "mtime_ns": 2, "hash": "", "status": "bad", "reason": "crashed"},
    ]}))

put("lock_file", "brick.lock", json.dumps({
    "format": "brick-lock", "schema": 1,
    "plugins": {"example": {"version": "1.2.0", "hash": "fnv1a64:0123456789abcdef", "file": "/p/libexample.so"},
                "core": {"version": "0.1.0", "hash": "fnv1a64:00000000000000ff"}}}))

# Value text: the first byte picks the declared type (value_text_fuzz.cpp's kHints).
for i, (hint, text) in enumerate([(7, "x=tensor([[1, 2], [3, 4]], int32)"), (7, "x=tensor([0.5, 1e3], dtype=float16)"),
                                  (0, "x=[1, 2.5, \"a\", null, {\"k\": true}]"), (2, "steps=25"), (4, "flag=yes"),
                                  (8, "prompt=[\"a\", \"b\"]"), (9, "seed=None"), (12, "t=tensor(3)"),
                                  (7, "x=tensor([1,2")]):
    put("value_text", "v%d" % i, bytes([hint]) + text.encode())
