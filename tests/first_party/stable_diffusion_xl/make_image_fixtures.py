#!/usr/bin/python3
"""The image-to-image and inpainting references of tests/first_party/stable_diffusion_xl (not run by CI).

Short runs of diffusers' own modular Stable Diffusion XL blocks, from an image (and a mask), on the
tiny UNets and vae of ../diffusers/fixtures/models (which it reads and leaves as they are) with the
Euler scheduler and ClassifierFreeGuidance(5.0) of ../diffusers/make_fixtures.py `denoise`. One
torch.Generator().manual_seed(7) is passed to the run, as a user passes it: diffusers' blocks draw
from that one object in turn (the vae encoder's latent_dist.sample, then the noise of the latents),
which brick's blocks reproduce by handing the generator's state on (docs/plugins/stable_diffusion_xl.md).
Each file holds the inputs (`image`, `mask_image`, the prompt embeddings) and the outputs (`latents`,
`images`; the inpainting runs also `mask`, `masked_image_latents` where the UNet takes them,
`image_latents` and `noise` as the prepare-latents step leaves them).

  fixtures/sd1_img2img.safetensors    vae encoder, input, img2img set timesteps (strength 0.6 of 5
                                      steps), img2img prepare latents, denoise, decode; sd1_unet
  fixtures/sdxl_img2img.safetensors   the same with the img2img added conditioning; sdxl_unet
  fixtures/sd1_inpaint.safetensors    inpaint vae encoder (image, mask_image), input, img2img set
                                      timesteps (strength 0.8 of 5), inpaint prepare latents,
                                      inpaint denoise (a 4-channel UNet: the latents blended with the
                                      noised image latents by the mask after each step), decode
  fixtures/sdxl_inpaint.safetensors   the same with the img2img added conditioning; sdxl_unet
  fixtures/sd1_inpaint9.safetensors   the same as sd1_inpaint with strength 1.0 (pure noise) on
                                      fixtures/inpaint_unet, a 9-channel UNet (latents, mask and
                                      masked image latents concatenated), which this script makes
  fixtures/inpaint_unet/              that UNet, saved with save_pretrained (SD1-like, in_channels 9,
                                      layers_per_block 1: tens of KB)

The SD1 runs are the SDXL blocks without pooled embeddings and added conditioning, as
pipelines/sd15.json composes them. diffusers' SDXL blocks import CLIP classes from transformers, which
is not installable here: make_doc_fixtures.py's names-only stand-ins are used (no CLIP code runs; the
prompt embeddings are given). ../diffusers/make_fixtures.py supplies the helpers (its NaN guard for
torch 1.13's CPU baddbmm, `stable`, `randomise`, EULER).

Run it with Debian's interpreter (shared/reference/pyref/README.md):

    PYTHONPATH=/work/shared/reference/pyref/shim:/tmp/ref/src /usr/bin/python3 \\
        tests/first_party/stable_diffusion_xl/make_image_fixtures.py
"""
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_doc_fixtures import install_names_only_packages  # noqa: E402

install_names_only_packages()  # before diffusers is imported
sys.path.insert(0, os.path.join(HERE, "..", "diffusers"))
import make_fixtures as mf  # noqa: E402

import torch  # noqa: E402
from diffusers import AutoencoderKL, EulerDiscreteScheduler, UNet2DConditionModel  # noqa: E402
from diffusers.guiders import ClassifierFreeGuidance  # noqa: E402
from diffusers.modular_pipelines import SequentialPipelineBlocks  # noqa: E402
from diffusers.modular_pipelines.stable_diffusion_xl import before_denoise, decoders, denoise, encoders  # noqa: E402
from safetensors.torch import save_file  # noqa: E402

OUT = os.path.join(HERE, "fixtures")
MODELS = os.path.join(mf.OUT, "models")
SEED = 7


def inpaint_unet():
    """An SD1-like inpainting UNet: 9 input channels (4 latents, 1 mask, 4 masked image latents)."""
    torch.manual_seed(41)
    unet = UNet2DConditionModel(
        sample_size=8, in_channels=9, out_channels=4, block_out_channels=(4, 8), layers_per_block=1,
        down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"), up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
        cross_attention_dim=8, attention_head_dim=2, norm_num_groups=2)
    mf.randomise(unet, 41)
    unet.eval()
    folder = os.path.join(OUT, "inpaint_unet")
    shutil.rmtree(folder, ignore_errors=True)
    unet.save_pretrained(folder)
    return folder


def embeddings(dim):
    g = torch.Generator().manual_seed(11)
    return {"prompt_embeds": torch.randn(1, 5, dim, generator=g),
            "negative_prompt_embeds": torch.randn(1, 5, dim, generator=g),
            "pooled_prompt_embeds": torch.randn(1, 8, generator=g),
            "negative_pooled_prompt_embeds": torch.randn(1, 8, generator=g)}


def image_and_mask():
    g = torch.Generator().manual_seed(12)
    image = torch.rand(1, 3, 16, 16, generator=g)
    # A rectangle to repaint, with values on both sides of 0.5 inside and out (the mask processor
    # binarizes them).
    mask = torch.zeros(1, 1, 16, 16)
    mask[:, :, 4:12, 2:10] = 0.9
    mask[:, :, 6, 3] = 0.4
    mask[:, :, 0, 0] = 0.6
    return image, mask


def run_case(name, unet_folder, sdxl, inpaint, strength):
    unet = UNet2DConditionModel.from_pretrained(unet_folder).eval()
    vae = AutoencoderKL.from_pretrained(os.path.join(MODELS, "vae")).eval()
    inputs = embeddings(unet.config.cross_attention_dim)
    image, mask = image_and_mask()
    blocks = {"vae_encoder": encoders.StableDiffusionXLInpaintVaeEncoderStep if inpaint
              else encoders.StableDiffusionXLVaeEncoderStep,
              "input": before_denoise.StableDiffusionXLInputStep,
              "set_timesteps": before_denoise.StableDiffusionXLImg2ImgSetTimestepsStep,
              "prepare_latents": before_denoise.StableDiffusionXLInpaintPrepareLatentsStep if inpaint
              else before_denoise.StableDiffusionXLImg2ImgPrepareLatentsStep}
    if sdxl:
        blocks["prepare_add_cond"] = before_denoise.StableDiffusionXLImg2ImgPrepareAdditionalConditioningStep
    blocks["denoise"] = denoise.StableDiffusionXLInpaintDenoiseStep if inpaint else denoise.StableDiffusionXLDenoiseStep
    blocks["decode"] = decoders.StableDiffusionXLDecodeStep
    pipe = SequentialPipelineBlocks.from_blocks_dict(blocks).init_pipeline()
    pipe.update_components(unet=unet, vae=vae, scheduler=EulerDiscreteScheduler(**mf.EULER),
                           guider=ClassifierFreeGuidance(guidance_scale=5.0))
    kept = ["latents", "images"]
    if inpaint:
        kept += ["mask", "image_latents", "noise"] + (["masked_image_latents"] if unet.config.in_channels == 9 else [])

    def run():
        # Two images per prompt (torch 1.13's CPU kernels give NaN at random for batch 1 of the
        # SDXL UNet, make_fixtures.py `denoise`).
        kwargs = dict(inputs, image=image, num_inference_steps=5, strength=strength, output_type="pt",
                      num_images_per_prompt=2, generator=torch.Generator().manual_seed(SEED))
        if inpaint:
            kwargs.update(mask_image=mask, height=16, width=16)
        state = pipe(**kwargs, output=None)
        # Copies: the next run writes into some of the state's tensors in place.
        return tuple(state.get(k).clone().contiguous() for k in kept)

    given = {k: v.clone() for k, v in dict(inputs, image=image, mask_image=mask).items()}
    with torch.no_grad():
        outputs = mf.stable(run, name)
    for k, v in dict(inputs, image=image, mask_image=mask).items():
        assert torch.equal(v, given[k]), k + " was changed by the run"
    if not sdxl:
        del inputs["pooled_prompt_embeds"], inputs["negative_pooled_prompt_embeds"]
    tensors = dict(inputs, image=image, **dict(zip(kept, outputs)))
    if inpaint:
        tensors["mask_image"] = mask
    save_file({k: v.contiguous() for k, v in tensors.items()}, os.path.join(OUT, name + ".safetensors"))
    print(name, {k: tuple(v.shape) for k, v in zip(kept, outputs)}, float(outputs[1].mean()))


def main():
    os.makedirs(OUT, exist_ok=True)
    run_case("sd1_img2img", os.path.join(MODELS, "sd1_unet"), sdxl=False, inpaint=False, strength=0.6)
    run_case("sdxl_img2img", os.path.join(MODELS, "sdxl_unet"), sdxl=True, inpaint=False, strength=0.6)
    run_case("sd1_inpaint", os.path.join(MODELS, "sd1_unet"), sdxl=False, inpaint=True, strength=0.8)
    run_case("sdxl_inpaint", os.path.join(MODELS, "sdxl_unet"), sdxl=True, inpaint=True, strength=0.8)
    run_case("sd1_inpaint9", inpaint_unet(), sdxl=False, inpaint=True, strength=1.0)


if __name__ == "__main__":
    main()
