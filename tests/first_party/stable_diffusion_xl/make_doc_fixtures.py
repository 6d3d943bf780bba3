#!/usr/bin/python3
"""The doc fixture of tests/first_party/stable_diffusion_xl (not run by CI).

Writes fixtures/docs.json: {class name: block.doc} for every block of diffusers' modular Stable
Diffusion XL that the stable_diffusion_xl plugin provides under the same class name, as diffusers'
current source prints it. The test (doc_test.cpp) compares `doc` of each brick block with it, byte
for byte.

diffusers' SDXL blocks import CLIP classes from `transformers` (and its loaders import
`tokenizers`), which are not installable here; only the classes' `__name__` reaches a doc, so a
finder below answers every `transformers.*` / `tokenizers.*` import with a module whose attributes
are empty classes of the name asked for (and a dist-info folder makes diffusers see the packages as
available). Nothing of them runs.

Run it with Debian's interpreter (shared/reference/pyref/README.md):

    PYTHONPATH=/work/shared/reference/pyref/shim:/tmp/ref/src /usr/bin/python3 \\
        tests/first_party/stable_diffusion_xl/make_doc_fixtures.py
"""
import importlib.abc
import importlib.machinery
import json
import os
import sys
import tempfile
import types


class _NamesOnly(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        value = type(name, (), {"__module__": self.__name__})
        setattr(self, name, value)
        return value


class _NamesOnlyFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    roots = ("transformers", "tokenizers")

    def find_spec(self, fullname, path, target=None):
        if fullname.split(".")[0] in self.roots:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        module = _NamesOnly(spec.name)
        module.__path__ = []
        module.__version__ = "4.99.0"
        return module

    def exec_module(self, module):
        pass


def install_names_only_packages():
    sys.meta_path.insert(0, _NamesOnlyFinder())
    metadata = tempfile.mkdtemp()
    for root in _NamesOnlyFinder.roots:
        folder = os.path.join(metadata, f"{root}-4.99.0.dist-info")
        os.makedirs(folder)
        with open(os.path.join(folder, "METADATA"), "w") as f:
            f.write(f"Metadata-Version: 2.1\nName: {root}\nVersion: 4.99.0\n")
    sys.path.append(metadata)


def main():
    install_names_only_packages()
    from diffusers.modular_pipelines.stable_diffusion_xl import (
        before_denoise,
        decoders,
        denoise,
        encoders,
        modular_blocks_stable_diffusion_xl as blocks,
    )

    classes = [
        encoders.StableDiffusionXLTextEncoderStep,
        encoders.StableDiffusionXLVaeEncoderStep,
        before_denoise.StableDiffusionXLInputStep,
        before_denoise.StableDiffusionXLSetTimestepsStep,
        before_denoise.StableDiffusionXLImg2ImgSetTimestepsStep,
        before_denoise.StableDiffusionXLPrepareLatentsStep,
        before_denoise.StableDiffusionXLImg2ImgPrepareLatentsStep,
        before_denoise.StableDiffusionXLPrepareAdditionalConditioningStep,
        before_denoise.StableDiffusionXLImg2ImgPrepareAdditionalConditioningStep,
        denoise.StableDiffusionXLLoopBeforeDenoiser,
        denoise.StableDiffusionXLLoopDenoiser,
        denoise.StableDiffusionXLLoopAfterDenoiser,
        denoise.StableDiffusionXLDenoiseStep,
        decoders.StableDiffusionXLDecodeStep,
        blocks.StableDiffusionXLBeforeDenoiseStep,
        blocks.StableDiffusionXLImg2ImgBeforeDenoiseStep,
        # Inpainting.
        encoders.StableDiffusionXLInpaintVaeEncoderStep,
        before_denoise.StableDiffusionXLInpaintPrepareLatentsStep,
        denoise.StableDiffusionXLInpaintLoopBeforeDenoiser,
        denoise.StableDiffusionXLInpaintLoopAfterDenoiser,
        denoise.StableDiffusionXLInpaintDenoiseStep,
        decoders.StableDiffusionXLInpaintOverlayMaskStep,
        blocks.StableDiffusionXLInpaintBeforeDenoiseStep,
        blocks.StableDiffusionXLInpaintDecodeStep,
    ]
    docs = {cls.__name__: cls().doc for cls in classes}
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "docs.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(docs, f, indent=1, sort_keys=False)
        f.write("\n")
    print(f"wrote {out}: {len(docs)} docs")


if __name__ == "__main__":
    main()
