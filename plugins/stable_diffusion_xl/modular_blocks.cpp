#include "modular_blocks.h"

namespace stable_diffusion_xl {

std::string StableDiffusionXLBeforeDenoiseStep::description() const {
  return "Before denoise step that prepare the inputs for the denoise step.\n"
         "This is a sequential pipeline blocks:\n"
         " - `StableDiffusionXLSetTimestepsStep` is used to set the timesteps\n"
         " - `StableDiffusionXLPrepareLatentsStep` is used to prepare the latents\n"
         " - `StableDiffusionXLPrepareAdditionalConditioningStep` is used to prepare the additional conditioning\n";
}

std::vector<brick::SubBlock> StableDiffusionXLBeforeDenoiseStep::sub_blocks() const {
  return {{"set_timesteps", "StableDiffusionXLSetTimestepsStep"},
          {"prepare_latents", "StableDiffusionXLPrepareLatentsStep"},
          {"prepare_add_cond", "StableDiffusionXLPrepareAdditionalConditioningStep"}};
}

std::string StableDiffusionXLImg2ImgBeforeDenoiseStep::description() const {
  return "Before denoise step that prepare the inputs for the denoise step for img2img task.\n"
         "This is a sequential pipeline blocks:\n"
         " - `StableDiffusionXLImg2ImgSetTimestepsStep` is used to set the timesteps\n"
         " - `StableDiffusionXLImg2ImgPrepareLatentsStep` is used to prepare the latents\n"
         " - `StableDiffusionXLImg2ImgPrepareAdditionalConditioningStep` is used to prepare the additional "
         "conditioning\n";
}

std::vector<brick::SubBlock> StableDiffusionXLImg2ImgBeforeDenoiseStep::sub_blocks() const {
  return {{"set_timesteps", "StableDiffusionXLImg2ImgSetTimestepsStep"},
          {"prepare_latents", "StableDiffusionXLImg2ImgPrepareLatentsStep"},
          {"prepare_add_cond", "StableDiffusionXLImg2ImgPrepareAdditionalConditioningStep"}};
}

std::string StableDiffusionXLInpaintBeforeDenoiseStep::description() const {
  return "Before denoise step that prepare the inputs for the denoise step for inpainting task.\n"
         "This is a sequential pipeline blocks:\n"
         " - `StableDiffusionXLImg2ImgSetTimestepsStep` is used to set the timesteps\n"
         " - `StableDiffusionXLInpaintPrepareLatentsStep` is used to prepare the latents\n"
         " - `StableDiffusionXLImg2ImgPrepareAdditionalConditioningStep` is used to prepare the additional "
         "conditioning\n";
}

std::vector<brick::SubBlock> StableDiffusionXLInpaintBeforeDenoiseStep::sub_blocks() const {
  return {{"set_timesteps", "StableDiffusionXLImg2ImgSetTimestepsStep"},
          {"prepare_latents", "StableDiffusionXLInpaintPrepareLatentsStep"},
          {"prepare_add_cond", "StableDiffusionXLImg2ImgPrepareAdditionalConditioningStep"}};
}

std::string StableDiffusionXLInpaintDecodeStep::description() const {
  return "Inpaint decode step that decode the denoised latents into images outputs.\n"
         "This is a sequential pipeline blocks:\n"
         " - `StableDiffusionXLDecodeStep` is used to decode the denoised latents into images\n"
         " - `StableDiffusionXLInpaintOverlayMaskStep` is used to overlay the mask on the image";
}

std::vector<brick::SubBlock> StableDiffusionXLInpaintDecodeStep::sub_blocks() const {
  return {{"decode", "StableDiffusionXLDecodeStep"}, {"mask_overlay", "StableDiffusionXLInpaintOverlayMaskStep"}};
}

}  // namespace stable_diffusion_xl
