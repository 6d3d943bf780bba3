// The stable_diffusion_xl plugin: diffusers' modular Stable Diffusion XL
// blocks under diffusers' class names (issue 15; docs/plugins/stable_diffusion_xl.md).
// Named after diffusers' package diffusers.modular_pipelines.stable_diffusion_xl,
// so a pipeline file reads "stable_diffusion_xl.StableDiffusionXLDenoiseStep"
// as the Python import does. The same blocks run Stable Diffusion 1.x/2.x
// (pipelines/sd15.json), with StableDiffusionTextEncoderStep for their one
// text encoder.
#include <brick/plugin.h>

#include "before_denoise.h"
#include "decoders.h"
#include "denoise.h"
#include "encoders.h"
#include "modular_blocks.h"

BRICK_PLUGIN("stable_diffusion_xl", "0.1.0", "diffusers' modular Stable Diffusion XL blocks (also SD 1.x/2.x)") {
  using namespace stable_diffusion_xl;
  plugin.unloadable();  // no thread_local, torch operators or CUDA kernels (docs/hot-reload.md)
  plugin.add<StableDiffusionXLTextEncoderStep>("StableDiffusionXLTextEncoderStep",
                                               "prompt -> prompt_embeds, pooled_prompt_embeds (both CLIP encoders)");
  plugin.add<StableDiffusionTextEncoderStep>("StableDiffusionTextEncoderStep",
                                             "prompt -> prompt_embeds (SD 1.x/2.x: one CLIP encoder)");
  plugin.add<StableDiffusionXLVaeEncoderStep>("StableDiffusionXLVaeEncoderStep", "image -> image_latents");
  plugin.add<StableDiffusionXLInpaintVaeEncoderStep>("StableDiffusionXLInpaintVaeEncoderStep",
                                                     "image, mask_image -> image_latents, mask, masked_image_latents");
  plugin.add<StableDiffusionXLInputStep>("StableDiffusionXLInputStep", "batch_size, dtype; embeddings per image");
  plugin.add<StableDiffusionXLSetTimestepsStep>("StableDiffusionXLSetTimestepsStep", "the timesteps");
  plugin.add<StableDiffusionXLImg2ImgSetTimestepsStep>("StableDiffusionXLImg2ImgSetTimestepsStep",
                                                       "the timesteps cut by strength; latent_timestep");
  plugin.add<StableDiffusionXLPrepareLatentsStep>("StableDiffusionXLPrepareLatentsStep", "the initial noise");
  plugin.add<StableDiffusionXLImg2ImgPrepareLatentsStep>("StableDiffusionXLImg2ImgPrepareLatentsStep",
                                                         "image_latents noised to latent_timestep");
  plugin.add<StableDiffusionXLInpaintPrepareLatentsStep>("StableDiffusionXLInpaintPrepareLatentsStep",
                                                         "inpainting latents, noise, mask to the batch");
  plugin.add<StableDiffusionXLPrepareAdditionalConditioningStep>("StableDiffusionXLPrepareAdditionalConditioningStep",
                                                                 "add_time_ids, timestep_cond");
  plugin.add<StableDiffusionXLImg2ImgPrepareAdditionalConditioningStep>(
      "StableDiffusionXLImg2ImgPrepareAdditionalConditioningStep", "add_time_ids (aesthetic score), timestep_cond");
  plugin.add<StableDiffusionXLLoopBeforeDenoiser>("StableDiffusionXLLoopBeforeDenoiser", "loop: scale_model_input");
  plugin.add<StableDiffusionXLInpaintLoopBeforeDenoiser>("StableDiffusionXLInpaintLoopBeforeDenoiser",
                                                         "loop: scale_model_input (+ mask, masked image latents)");
  plugin.add<StableDiffusionXLLoopDenoiser>("StableDiffusionXLLoopDenoiser", "loop: unet through the guider");
  plugin.add<StableDiffusionXLLoopAfterDenoiser>("StableDiffusionXLLoopAfterDenoiser", "loop: scheduler.step");
  plugin.add<StableDiffusionXLInpaintLoopAfterDenoiser>("StableDiffusionXLInpaintLoopAfterDenoiser",
                                                        "loop: scheduler.step, blended with the image by the mask");
  plugin.add<StableDiffusionXLDenoiseStep>("StableDiffusionXLDenoiseStep", "the denoising loop");
  plugin.add<StableDiffusionXLInpaintDenoiseStep>("StableDiffusionXLInpaintDenoiseStep",
                                                  "the denoising loop for inpainting");
  plugin.add<StableDiffusionXLDecodeStep>("StableDiffusionXLDecodeStep", "latents -> images");
  plugin.add<StableDiffusionXLInpaintOverlayMaskStep>("StableDiffusionXLInpaintOverlayMaskStep",
                                                      "images (padding_mask_crop's overlay: refused)");
  plugin.add<StableDiffusionXLBeforeDenoiseStep>("StableDiffusionXLBeforeDenoiseStep",
                                                 "set timesteps, prepare latents, added conditioning");
  plugin.add<StableDiffusionXLImg2ImgBeforeDenoiseStep>("StableDiffusionXLImg2ImgBeforeDenoiseStep",
                                                        "the same for image to image");
  plugin.add<StableDiffusionXLInpaintBeforeDenoiseStep>("StableDiffusionXLInpaintBeforeDenoiseStep",
                                                        "the same for inpainting");
  plugin.add<StableDiffusionXLInpaintDecodeStep>("StableDiffusionXLInpaintDecodeStep", "decode, mask overlay");
}
