#!/usr/bin/python3
"""The fixtures of tests/first_party/diffusers (not run by CI).

What it is. Real diffusers (its current source, on Debian's python3-torch 1.13 with the shim of
shared/reference/pyref/) builds tiny UNet2DConditionModel and AutoencoderKL models with random
weights, saves them with save_pretrained (so the folders have exactly diffusers' file names, config
keys and state-dict names), runs them on fixed inputs and records the outputs. The C++ tests load the
folders through brick's loader and compare within 1e-4 (float32).

Configs (each a small version of a real checkpoint's config, same block types and options):
  models/sd1_unet   SD 1.x: CrossAttnDownBlock2D/DownBlock2D, conv proj_in/proj_out,
                    attention_head_dim 8 (read as the number of heads), layers_per_block 2
  models/sd2_unet   SD 2.x: use_linear_projection, attention_head_dim a list, upcast_attention,
                    plus time_cond_proj_dim (timestep_cond, as LCM checkpoints use); SD 2.x's
                    v-prediction is the scheduler's prediction_type (scheduler_config.json beside
                    it), the UNet itself is the same network
  models/sdxl_unet  SDXL: DownBlock2D then CrossAttnDownBlock2D, addition_embed_type "text_time"
                    (added_cond_kwargs text_embeds and time_ids), transformer_layers_per_block a
                    list, linear projection; run on a 10x10 sample, which is not a multiple of the
                    overall down factor 4 (diffusers' forward_upsample_size path)
  models/vae        AutoencoderKL: 2 levels, mid-block attention, quant/post-quant convs,
                    scaling_factor, force_upcast
  models/vae_fp16   the same weights in float16 saved with variant="fp16":
                    diffusion_pytorch_model.fp16.safetensors
  models/vae_fp16_sharded  the same, with a max_shard_size small enough that diffusers writes
                    several shards, diffusion_pytorch_model.fp16-0000N-of-0000M.safetensors, and
                    their index diffusion_pytorch_model.safetensors.index.fp16.json

expected/<name>.safetensors: the inputs (sample, timestep, encoder_hidden_states, text_embeds,
time_ids, timestep_cond; for the vae: sample and z) and the outputs (out; for the vae: mean,
logvar and decoded).

Every weight (biases and norms included; diffusers initialises norms to 1 and 0, which would let a
swapped norm go unnoticed) is drawn at random with a small scale so that activations stay O(1).

Run it with Debian's interpreter:

    PYTHONPATH=/work/shared/reference/pyref/shim:/tmp/ref/src /usr/bin/python3 \\
        tests/first_party/diffusers/make_fixtures.py

where /tmp/ref/src holds diffusers' and huggingface_hub's src/ (shared/reference/pyref/README.md).

With the argument `single_file` it writes original single-file checkpoints (the LDM layout) with
diffusers' own converters (scripts/convert_diffusers_to_original_stable_diffusion.py and
convert_diffusers_to_original_sdxl.py of the diffusers repository, found in DIFFUSERS_SCRIPTS, by
default /tmp/ref/scripts): those scripts hard-code the real models' number of levels and layers per
block, so the tiny models here have them too (4 levels for SD 1.x, 3 for SDXL, 2 layers per block;
the vae 4 levels):

  models/single_file_sd1.safetensors   one original SD 1.x file: UNet, vae, CLIP text encoder
  models/single_file_sd1/{unet,vae}    their config.json alone (diffusers' `config=` of
                                       from_single_file; the tiny shapes are no known model's)
  models/single_file_sd1/text_encoder  the text encoder as a transformers folder (weights too)
  expected/single_file_sd1.safetensors the UNet's and vae's inputs and outputs in diffusers
  and the same for SDXL (single_file_sdxl: text_encoder and text_encoder_2; its vae is the SD1 one).

With the argument `single_file_sd2` it writes the same for a tiny SD 2.x-like model (linear projection,
upcast attention, per-level head counts, cross attention 8 wide) with convert_diffusers_to_original_
stable_diffusion.py's SD 2.x text encoder path (convert_text_enc_state_dict_v20: OpenCLIP's layout under
cond_stage_model.model., q/k/v fused into in_proj):

  models/single_file_sd2.safetensors   UNet, vae (the SD1 one), OpenCLIP text encoder of 3 layers plus
                                       the text_projection and logit_scale a real SD 2.x file has
  models/single_file_sd2/{unet,vae}    their config.json alone
  models/single_file_sd2/text_encoder  the text encoder as a transformers folder with the file's first
                                       2 layers: SD 2.x conditions on the penultimate layer, and the
                                       config diffusers gives it (stable-diffusion-2-1's) keeps 23 of the
                                       file's 24 layers; the tiny file's last layer plays that 24th
  expected/single_file_sd2.safetensors the UNet's and vae's inputs and outputs in diffusers; the script
                                       then checks that diffusers' own UNet2DConditionModel/AutoencoderKL
                                       .from_single_file(config=the folder) read the file back to them

The CLIP text encoders have random weights under transformers' names (transformers is not
installable here; the converters only rename, split and transpose them).

With the argument `denoise` it writes only the end-to-end references (from the model folders above,
which it reads back and leaves as they are):

  expected/sd1_denoise.safetensors, expected/sdxl_denoise.safetensors: a short text-to-image run of
                    diffusers' own modular Stable Diffusion XL blocks (set timesteps, prepare latents,
                    [added conditioning,] the denoise loop through ClassifierFreeGuidance(5.0), decode
                    with output_type "pt") on the sd1_unet / sdxl_unet and vae folders with an Euler
                    scheduler: the inputs (prompt embeddings, pooled embeddings for SDXL; the generator
                    is torch.Generator().manual_seed(SEED), and the latents it draws are recorded as
                    `initial_latents`) and the outputs (`latents`, `images`). tests/first_party/
                    stable_diffusion_xl compares brick's blocks with them. The SD1 run is the SDXL blocks
                    without pooled embeddings and added conditioning, as pipelines/sd15.json composes them.
                    diffusers' SDXL blocks import CLIP classes from transformers, which is not installable
                    here: the names-only stand-ins of ../stable_diffusion_xl/make_doc_fixtures.py are used
                    (no CLIP code runs; the prompt embeddings are given).
"""
import json
import os
import shutil
import sys

import torch

if sys.argv[1:] in (["denoise"], ["single_file"], ["single_file_sd2"]):
    # Before diffusers is imported: it decides then whether transformers is there.
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "stable_diffusion_xl"))
    from make_doc_fixtures import install_names_only_packages

    install_names_only_packages()

from diffusers import AutoencoderKL, UNet2DConditionModel
from safetensors.torch import save_file

# diffusers' classic attention (torch 1.13 has no scaled_dot_product_attention) computes the scores
# as torch.baddbmm(torch.empty(...), q, k^T, beta=0, alpha=scale). torch 1.13's CPU baddbmm lets
# a NaN in the uninitialised input through for small matrices although beta is 0, so some runs gave
# NaN outputs at random. The input is replaced by zeros when beta is 0: the same math, every time.
_baddbmm = torch.baddbmm


def _baddbmm_beta0_ignores_input(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    if beta == 0:
        input = torch.zeros_like(input)
    return _baddbmm(input, batch1, batch2, beta=beta, alpha=alpha, out=out) if out is not None else \
        _baddbmm(input, batch1, batch2, beta=beta, alpha=alpha)


torch.baddbmm = _baddbmm_beta0_ignores_input

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures")


def stable(run, name):
    """run() repeated until two results are finite and equal. torch 1.13 on this CPU now and then
    returns NaN from these tiny models (shapes of a few channels; it comes and goes from run to run
    of the same model on the same inputs, so it is not in the model): a result is kept only once it
    has been computed twice, bit for bit."""
    seen = []
    for _ in range(20):
        out = run()
        values = out if isinstance(out, tuple) else (out,)
        if all(torch.isfinite(v).all() for v in values):
            for other in seen:
                if all(torch.equal(a, b) for a, b in zip(values, other)):
                    return out
            seen.append(values)
    raise RuntimeError(name + ": no two equal finite results in 20 runs")


def randomise(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            fan_in = p[0].numel() if p.dim() > 1 else 1
            if p.dim() > 1:
                p.copy_(torch.randn(p.shape, generator=g) / (fan_in ** 0.5))
            elif name.endswith("weight"):  # norms
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g))
            else:  # biases
                p.copy_(0.1 * torch.randn(p.shape, generator=g))


def save(name, model, **kwargs):
    folder = os.path.join(OUT, "models", name)
    shutil.rmtree(folder, ignore_errors=True)
    model.save_pretrained(folder, **kwargs)
    return folder


def unet_case(name, config, seed, batch, size, text_len, added=None, cond_dim=None, timestep=None):
    torch.manual_seed(seed)
    unet = UNet2DConditionModel(**config)
    randomise(unet, seed)
    unet.eval()
    save(name, unet)
    g = torch.Generator().manual_seed(seed + 1)
    inputs = {
        "sample": torch.randn(batch, config["in_channels"], size, size, generator=g),
        "timestep": torch.tensor(timestep if timestep is not None else 999.0),
        "encoder_hidden_states": torch.randn(batch, text_len, config["cross_attention_dim"], generator=g),
    }
    kwargs = {}
    if added:
        inputs["text_embeds"] = torch.randn(batch, added, generator=g)
        # (original height, original width, crop top, crop left, target height, target width)
        inputs["time_ids"] = torch.tensor([[64.0, 48.0, 0.0, 8.0, 64.0, 64.0]] * batch)
        kwargs["added_cond_kwargs"] = {"text_embeds": inputs["text_embeds"], "time_ids": inputs["time_ids"]}
    if cond_dim:
        inputs["timestep_cond"] = torch.randn(batch, cond_dim, generator=g)
        kwargs["timestep_cond"] = inputs["timestep_cond"]
    with torch.no_grad():
        out = stable(lambda: unet(inputs["sample"], inputs["timestep"],
                                  encoder_hidden_states=inputs["encoder_hidden_states"], **kwargs).sample, name)
    tensors = dict(inputs)
    tensors["out"] = out
    save_file({k: v.contiguous() for k, v in tensors.items()}, os.path.join(OUT, "expected", name + ".safetensors"))
    print(name, tuple(out.shape), float(out.abs().mean()))
    return unet


def main():
    os.makedirs(os.path.join(OUT, "expected"), exist_ok=True)

    sd1 = dict(sample_size=8, in_channels=4, out_channels=4, block_out_channels=(4, 8), layers_per_block=2,
               down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
               up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"), cross_attention_dim=8, attention_head_dim=2,
               norm_num_groups=2)
    unet_case("sd1_unet", sd1, seed=1, batch=2, size=8, text_len=5, timestep=981.0)

    sd2 = dict(sample_size=8, in_channels=4, out_channels=4, block_out_channels=(4, 8), layers_per_block=1,
               down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
               up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"), cross_attention_dim=12, attention_head_dim=[2, 4],
               use_linear_projection=True, upcast_attention=True, norm_num_groups=2, time_cond_proj_dim=8)
    unet_case("sd2_unet", sd2, seed=2, batch=1, size=6, text_len=7, cond_dim=8, timestep=500.0)
    with open(os.path.join(OUT, "models", "sd2_unet", "scheduler_config.json"), "w") as f:
        json.dump({"_class_name": "DDIMScheduler", "prediction_type": "v_prediction", "num_train_timesteps": 1000,
                   "beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012}, f, indent=2)

    sdxl = dict(sample_size=8, in_channels=4, out_channels=4, block_out_channels=(4, 4, 8), layers_per_block=1,
                down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
                up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"), cross_attention_dim=8,
                attention_head_dim=(1, 2, 4), transformer_layers_per_block=(1, 1, 2), use_linear_projection=True,
                addition_embed_type="text_time", addition_time_embed_dim=4, projection_class_embeddings_input_dim=8 + 6 * 4,
                norm_num_groups=2)
    unet_case("sdxl_unet", sdxl, seed=3, batch=2, size=10, text_len=4, added=8, timestep=37.0)

    torch.manual_seed(4)
    vae = AutoencoderKL(in_channels=3, out_channels=3, block_out_channels=(4, 8), layers_per_block=1,
                        down_block_types=("DownEncoderBlock2D",) * 2, up_block_types=("UpDecoderBlock2D",) * 2,
                        latent_channels=4, norm_num_groups=2, sample_size=16, scaling_factor=0.18215,
                        force_upcast=True)
    randomise(vae, 4)
    vae.eval()
    save("vae", vae)
    g = torch.Generator().manual_seed(5)
    sample = torch.rand(2, 3, 16, 16, generator=g) * 2 - 1
    z = torch.randn(1, 4, 8, 8, generator=g)
    with torch.no_grad():
        mean, logvar = stable(lambda: (vae.encode(sample).latent_dist.mean.contiguous(),
                                       vae.encode(sample).latent_dist.logvar.contiguous()), "vae.encode")
        decoded = stable(lambda: vae.decode(z).sample, "vae.decode")
    save_file({"sample": sample, "z": z, "mean": mean, "logvar": logvar,
               "decoded": decoded}, os.path.join(OUT, "expected", "vae.safetensors"))
    print("vae", tuple(mean.shape), tuple(decoded.shape))
    save("vae_fp16", vae.half(), variant="fp16")
    save("vae_fp16_sharded", vae, variant="fp16", max_shard_size="8KB")


# The scheduler of the end-to-end references (SDXL's Euler config); the C++ test uses the same.
EULER = dict(num_train_timesteps=1000, beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
             steps_offset=1, timestep_spacing="leading", prediction_type="epsilon")
DENOISE_SEED = 7


def denoise_case(name, unet_name, sdxl):
    from diffusers import EulerDiscreteScheduler
    from diffusers.guiders import ClassifierFreeGuidance
    from diffusers.modular_pipelines import SequentialPipelineBlocks
    from diffusers.modular_pipelines.stable_diffusion_xl import before_denoise, decoders, denoise

    unet = UNet2DConditionModel.from_pretrained(os.path.join(OUT, "models", unet_name)).eval()
    vae = AutoencoderKL.from_pretrained(os.path.join(OUT, "models", "vae")).eval()
    g = torch.Generator().manual_seed(11)
    dim = unet.config.cross_attention_dim
    inputs = {"prompt_embeds": torch.randn(1, 5, dim, generator=g),
              "negative_prompt_embeds": torch.randn(1, 5, dim, generator=g)}
    inputs["pooled_prompt_embeds"] = torch.randn(1, 8, generator=g)
    inputs["negative_pooled_prompt_embeds"] = torch.randn(1, 8, generator=g)
    # The input step tags the embeddings as denoiser inputs (given directly, they would not be). An SD1
    # UNet has no added embedding and ignores the pooled ones (the SD1 run is recorded without them).
    blocks = {"input": before_denoise.StableDiffusionXLInputStep,
              "set_timesteps": before_denoise.StableDiffusionXLSetTimestepsStep,
              "prepare_latents": before_denoise.StableDiffusionXLPrepareLatentsStep}
    if sdxl:
        blocks["prepare_add_cond"] = before_denoise.StableDiffusionXLPrepareAdditionalConditioningStep
    blocks["denoise"] = denoise.StableDiffusionXLDenoiseStep
    blocks["decode"] = decoders.StableDiffusionXLDecodeStep
    pipe = SequentialPipelineBlocks.from_blocks_dict(blocks).init_pipeline()
    pipe.update_components(unet=unet, vae=vae, scheduler=EulerDiscreteScheduler(**EULER),
                           guider=ClassifierFreeGuidance(guidance_scale=5.0))

    def run():
        # Two images per prompt: torch 1.13's CPU kernels give NaN at random for batch 1 of the SDXL
        # UNet at 8x8 (each guidance branch runs alone), not for batch 2.
        kwargs = dict(inputs, num_inference_steps=3, height=16, width=16, output_type="pt", num_images_per_prompt=2,
                      generator=torch.Generator().manual_seed(DENOISE_SEED))
        state = pipe(**kwargs, output=None)
        return state.get("latents").contiguous(), state.get("images").contiguous()

    with torch.no_grad():
        latents, images = stable(run, name)
    initial = torch.randn(2, 4, 8, 8, generator=torch.Generator().manual_seed(DENOISE_SEED))
    if not sdxl:
        del inputs["pooled_prompt_embeds"], inputs["negative_pooled_prompt_embeds"]
    tensors = dict(inputs, initial_latents=initial, latents=latents, images=images)
    save_file({k: v.contiguous() for k, v in tensors.items()}, os.path.join(OUT, "expected", name + ".safetensors"))
    print(name, tuple(latents.shape), tuple(images.shape), float(images.mean()))


def clip_state_dict(seed, layers, hidden, inter, vocab, positions, projection=None):
    """Random CLIP text weights under transformers' names (CLIPTextModel[WithProjection])."""
    g = torch.Generator().manual_seed(seed)
    r = lambda *shape: torch.randn(*shape, generator=g) * 0.2
    sd = {"text_model.embeddings.token_embedding.weight": r(vocab, hidden),
          "text_model.embeddings.position_embedding.weight": r(positions, hidden)}
    for i in range(layers):
        p = f"text_model.encoder.layers.{i}."
        for name in ("q_proj", "k_proj", "v_proj", "out_proj"):
            sd[p + f"self_attn.{name}.weight"] = r(hidden, hidden)
            sd[p + f"self_attn.{name}.bias"] = r(hidden)
        for name in ("layer_norm1", "layer_norm2"):
            sd[p + f"{name}.weight"] = 1 + r(hidden)
            sd[p + f"{name}.bias"] = r(hidden)
        sd[p + "mlp.fc1.weight"] = r(inter, hidden)
        sd[p + "mlp.fc1.bias"] = r(inter)
        sd[p + "mlp.fc2.weight"] = r(hidden, inter)
        sd[p + "mlp.fc2.bias"] = r(hidden)
    sd["text_model.final_layer_norm.weight"] = 1 + r(hidden)
    sd["text_model.final_layer_norm.bias"] = r(hidden)
    if projection:
        sd["text_projection.weight"] = r(projection, hidden)
    return sd


def save_clip(folder, sd, architecture, hidden, inter, layers, vocab, positions, act, projection):
    os.makedirs(folder, exist_ok=True)
    save_file(sd, os.path.join(folder, "model.safetensors"))
    config = {"architectures": [architecture], "model_type": "clip_text_model", "hidden_size": hidden,
              "intermediate_size": inter, "num_hidden_layers": layers, "num_attention_heads": 1,
              "max_position_embeddings": positions, "vocab_size": vocab, "hidden_act": act,
              "layer_norm_eps": 1e-05, "bos_token_id": 0, "eos_token_id": 2, "pad_token_id": 1,
              "projection_dim": projection or 768, "torch_dtype": "float32"}
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2)


def forward_references(name, unet, vae, added):
    """The tiny models' outputs in diffusers (the folders keep their config.json only)."""
    g = torch.Generator().manual_seed(30)
    tensors = {"sample": torch.randn(2, 4, 8, 8, generator=g), "timestep": torch.tensor(601.0),
               "encoder_hidden_states": torch.randn(2, 5, 8, generator=g), "z": torch.randn(1, 4, 4, 4, generator=g)}
    kwargs = {}
    if added:
        tensors["text_embeds"] = torch.randn(2, 8, generator=g)
        tensors["time_ids"] = torch.tensor([[64.0, 64.0, 0.0, 0.0, 64.0, 64.0]] * 2)
        kwargs["added_cond_kwargs"] = {"text_embeds": tensors["text_embeds"], "time_ids": tensors["time_ids"]}
    with torch.no_grad():
        tensors["unet_out"] = stable(lambda: unet(tensors["sample"], tensors["timestep"],
                                                  encoder_hidden_states=tensors["encoder_hidden_states"],
                                                  **kwargs).sample, name + " unet")
        tensors["vae_out"] = stable(lambda: vae.decode(tensors["z"]).sample, name + " vae")
    save_file({k: v.contiguous() for k, v in tensors.items()}, os.path.join(OUT, "expected", name + ".safetensors"))


def config_only(folder):
    for file in os.listdir(folder):
        if file.endswith(".safetensors"):
            os.remove(os.path.join(folder, file))


def single_file_references():
    import importlib.util

    scripts = os.environ.get("DIFFUSERS_SCRIPTS", "/tmp/ref/scripts")

    def script(name):
        spec = importlib.util.spec_from_file_location(name, os.path.join(scripts, name + ".py"))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    sd_script = script("convert_diffusers_to_original_stable_diffusion")
    sdxl_script = script("convert_diffusers_to_original_sdxl")
    models = os.path.join(OUT, "models")

    torch.manual_seed(21)
    vae = AutoencoderKL(in_channels=3, out_channels=3, block_out_channels=(2, 2, 2, 2), layers_per_block=2,
                        down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4,
                        latent_channels=4, norm_num_groups=2, sample_size=32, scaling_factor=0.18215)
    randomise(vae, 21)
    sd1 = UNet2DConditionModel(
        sample_size=8, in_channels=4, out_channels=4, block_out_channels=(4, 4, 8, 8), layers_per_block=2,
        down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
        up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3, cross_attention_dim=8, attention_head_dim=2,
        norm_num_groups=2)
    randomise(sd1, 22)
    folder = os.path.join(models, "single_file_sd1")
    shutil.rmtree(folder, ignore_errors=True)
    sd1.eval()
    vae.eval()
    sd1.save_pretrained(os.path.join(folder, "unet"))
    vae.save_pretrained(os.path.join(folder, "vae"))
    config_only(os.path.join(folder, "unet"))
    config_only(os.path.join(folder, "vae"))
    forward_references("single_file_sd1", sd1, vae, added=False)
    te = clip_state_dict(23, layers=2, hidden=8, inter=16, vocab=64, positions=16)
    save_clip(os.path.join(folder, "text_encoder"), te, "CLIPTextModel", 8, 16, 2, 64, 16, "quick_gelu", None)
    # convert_diffusers_to_original_stable_diffusion.py's __main__, for SD 1.x (v1 text encoder).
    state = {"model.diffusion_model." + k: v for k, v in sd_script.convert_unet_state_dict(sd1.state_dict()).items()}
    state.update({"first_stage_model." + k: v for k, v in sd_script.convert_vae_state_dict(vae.state_dict()).items()})
    state.update({"cond_stage_model.transformer." + k: v for k, v in sd_script.convert_text_enc_state_dict(te).items()})
    save_file({k: v.contiguous() for k, v in state.items()}, os.path.join(models, "single_file_sd1.safetensors"))

    sdxl = UNet2DConditionModel(
        sample_size=8, in_channels=4, out_channels=4, block_out_channels=(4, 4, 8), layers_per_block=2,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"), cross_attention_dim=8,
        attention_head_dim=(1, 2, 4), transformer_layers_per_block=(1, 1, 2), use_linear_projection=True,
        addition_embed_type="text_time", addition_time_embed_dim=4, projection_class_embeddings_input_dim=8 + 6 * 4,
        norm_num_groups=2)
    randomise(sdxl, 24)
    folder = os.path.join(models, "single_file_sdxl")
    shutil.rmtree(folder, ignore_errors=True)
    sdxl.eval()
    sdxl.save_pretrained(os.path.join(folder, "unet"))
    config_only(os.path.join(folder, "unet"))
    forward_references("single_file_sdxl", sdxl, vae, added=True)
    te1 = clip_state_dict(25, layers=2, hidden=4, inter=16, vocab=64, positions=16)
    te2 = clip_state_dict(26, layers=2, hidden=4, inter=16, vocab=64, positions=16, projection=8)
    save_clip(os.path.join(folder, "text_encoder"), te1, "CLIPTextModel", 4, 16, 2, 64, 16, "quick_gelu", None)
    save_clip(os.path.join(folder, "text_encoder_2"), te2, "CLIPTextModelWithProjection", 4, 16, 2, 64, 16, "gelu", 8)
    # convert_diffusers_to_original_sdxl.py's __main__.
    state = {"model.diffusion_model." + k: v for k, v in sdxl_script.convert_unet_state_dict(sdxl.state_dict()).items()}
    state.update({"first_stage_model." + k: v for k, v in sdxl_script.convert_vae_state_dict(vae.state_dict()).items()})
    state.update({"conditioner.embedders.0.transformer." + k: v
                  for k, v in sdxl_script.convert_openai_text_enc_state_dict(te1).items()})
    two = {"conditioner.embedders.1.model." + k: v
           for k, v in sdxl_script.convert_openclip_text_enc_state_dict(te2).items()}
    two["conditioner.embedders.1.model.text_projection"] = two.pop(
        "conditioner.embedders.1.model.text_projection.weight").T.contiguous()
    state.update(two)
    save_file({k: v.contiguous() for k, v in state.items()}, os.path.join(models, "single_file_sdxl.safetensors"))
    print("single files:", len(state), "keys in the SDXL one")


def single_file_sd2_references():
    import importlib.util

    scripts = os.environ.get("DIFFUSERS_SCRIPTS", "/tmp/ref/scripts")
    spec = importlib.util.spec_from_file_location("sd_script", os.path.join(
        scripts, "convert_diffusers_to_original_stable_diffusion.py"))
    sd_script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sd_script)
    models = os.path.join(OUT, "models")

    torch.manual_seed(21)  # the SD1 single file's vae, made again
    vae = AutoencoderKL(in_channels=3, out_channels=3, block_out_channels=(2, 2, 2, 2), layers_per_block=2,
                        down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4,
                        latent_channels=4, norm_num_groups=2, sample_size=32, scaling_factor=0.18215)
    randomise(vae, 21)
    sd2 = UNet2DConditionModel(
        sample_size=8, in_channels=4, out_channels=4, block_out_channels=(4, 4, 8, 8), layers_per_block=2,
        down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
        up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3, cross_attention_dim=8,
        attention_head_dim=(1, 1, 2, 2), use_linear_projection=True, upcast_attention=True, norm_num_groups=2)
    randomise(sd2, 27)
    folder = os.path.join(models, "single_file_sd2")
    shutil.rmtree(folder, ignore_errors=True)
    sd2.eval()
    vae.eval()
    sd2.save_pretrained(os.path.join(folder, "unet"))
    vae.save_pretrained(os.path.join(folder, "vae"))
    config_only(os.path.join(folder, "unet"))
    config_only(os.path.join(folder, "vae"))
    forward_references("single_file_sd2", sd2, vae, added=False)
    te = clip_state_dict(28, layers=3, hidden=8, inter=16, vocab=64, positions=16)
    kept = {k: v for k, v in te.items() if not k.startswith("text_model.encoder.layers.2.")}
    save_clip(os.path.join(folder, "text_encoder"), kept, "CLIPTextModel", 8, 16, 2, 64, 16, "gelu", None)
    # convert_diffusers_to_original_stable_diffusion.py's __main__, for an SD 2.x (v20) text encoder.
    state = {"model.diffusion_model." + k: v for k, v in sd_script.convert_unet_state_dict(sd2.state_dict()).items()}
    state.update({"first_stage_model." + k: v for k, v in sd_script.convert_vae_state_dict(vae.state_dict()).items()})
    text = sd_script.convert_text_enc_state_dict_v20({"transformer." + k: v for k, v in te.items()})
    state.update({"cond_stage_model.model." + k: v for k, v in text.items()})
    g = torch.Generator().manual_seed(29)
    state["cond_stage_model.model.text_projection"] = torch.randn(8, 8, generator=g)
    state["cond_stage_model.model.logit_scale"] = torch.tensor(4.6052)
    path = os.path.join(models, "single_file_sd2.safetensors")
    save_file({k: v.contiguous() for k, v in state.items()}, path)
    # diffusers' own from_single_file reads the file back to the recorded outputs (its config= the folder).
    from safetensors.torch import load_file
    expected = load_file(os.path.join(OUT, "expected", "single_file_sd2.safetensors"))
    unet = UNet2DConditionModel.from_single_file(path, config=folder, subfolder="unet", local_files_only=True)
    vae = AutoencoderKL.from_single_file(path, config=folder, subfolder="vae", local_files_only=True)
    with torch.no_grad():
        out = stable(lambda: unet(expected["sample"], expected["timestep"],
                                  encoder_hidden_states=expected["encoder_hidden_states"]).sample, "sd2 read back")
        decoded = stable(lambda: vae.decode(expected["z"]).sample, "sd2 vae read back")
    assert torch.allclose(out, expected["unet_out"], atol=1e-5), float((out - expected["unet_out"]).abs().max())
    assert torch.allclose(decoded, expected["vae_out"], atol=1e-5)
    print("single file sd2:", len(state), "keys; diffusers' from_single_file reads it back to the same outputs")


def denoise_references():
    denoise_case("sd1_denoise", "sd1_unet", sdxl=False)
    denoise_case("sdxl_denoise", "sdxl_unet", sdxl=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["denoise"]:
        denoise_references()
    elif sys.argv[1:] == ["single_file"]:
        single_file_references()
    elif sys.argv[1:] == ["single_file_sd2"]:
        single_file_sd2_references()
    else:
        main()
