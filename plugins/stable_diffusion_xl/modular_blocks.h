// diffusers' modular SDXL composites of the text-to-image and image-to-image
// workflows (modular_blocks_stable_diffusion_xl.py): the before-denoise
// sequences. The auto blocks that also cover inpainting, ControlNet and
// IP-Adapter are not provided (their branches are not built).
#pragma once

#include <brick/sdk.h>

namespace stable_diffusion_xl {

class StableDiffusionXLBeforeDenoiseStep : public brick::SequentialPipelineBlocks {
 public:
  std::string description() const override;
  std::vector<brick::SubBlock> sub_blocks() const override;
};

class StableDiffusionXLImg2ImgBeforeDenoiseStep : public brick::SequentialPipelineBlocks {
 public:
  std::string description() const override;
  std::vector<brick::SubBlock> sub_blocks() const override;
};

}  // namespace stable_diffusion_xl
