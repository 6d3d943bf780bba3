// The core plugin: diffusers' schedulers and classifier-free guidance as
// component types, and the model-agnostic blocks of a text-to-image or
// image-to-image pipeline (issue 6; docs/plugins/core.md).
#include <brick/plugin.h>

#include "classifier_free_guidance.h"
#include "ddim_scheduler.h"
#include "decode_step.h"
#include "denoise_loop.h"
#include "euler_discrete_scheduler.h"
#include "flow_match_euler_discrete_scheduler.h"
#include "img2img_set_timesteps_step.h"
#include "input_step.h"
#include "loop_after_denoiser.h"
#include "loop_before_denoiser.h"
#include "loop_denoiser.h"
#include "prepare_latents_step.h"
#include "set_timesteps_step.h"

BRICK_PLUGIN("core", "0.1.0", "Schedulers, classifier-free guidance and the generic denoising blocks") {
  plugin.unloadable();  // no thread_local, torch operators or CUDA kernels (docs/hot-reload.md)
  plugin.add_component<core::EulerDiscreteScheduler>("EulerDiscreteScheduler",
                                                     "Euler scheduler (diffusers' EulerDiscreteScheduler)");
  plugin.add_component<core::DDIMScheduler>("DDIMScheduler", "DDIM scheduler, eta = 0 (diffusers' DDIMScheduler)");
  plugin.add_component<core::FlowMatchEulerDiscreteScheduler>(
      "FlowMatchEulerDiscreteScheduler",
      "Euler scheduler for flow matching (diffusers' FlowMatchEulerDiscreteScheduler)");
  plugin.add_component<core::ClassifierFreeGuidance>("ClassifierFreeGuidance",
                                                     "classifier-free guidance (diffusers' guider)");

  plugin.add<core::InputStep>("InputStep", "batch_size from prompt_embeds; embeddings repeated per image");
  plugin.add<core::SetTimestepsStep>("SetTimestepsStep", "scheduler.set_timesteps; the timesteps");
  plugin.add<core::Img2ImgSetTimestepsStep>("Img2ImgSetTimestepsStep", "timesteps cut by strength; latent_timestep");
  plugin.add<core::PrepareLatentsStep>("PrepareLatentsStep", "seeded Gaussian latents times init_noise_sigma");
  plugin.add<core::DenoiseLoop>("DenoiseLoop", "the denoising loop over the timesteps");
  plugin.add<core::LoopBeforeDenoiser>("LoopBeforeDenoiser", "loop step: scale_model_input");
  plugin.add<core::LoopDenoiser>("LoopDenoiser", "loop step: unet with classifier-free guidance");
  plugin.add<core::LoopAfterDenoiser>("LoopAfterDenoiser", "loop step: scheduler.step");
  plugin.add<core::DecodeStep>("DecodeStep", "vae.decode into images in [0, 1]");
}
