// diffusers' modular SDXL composites of the text-to-image, image-to-image
// and inpainting workflows (modular_blocks_stable_diffusion_xl.py): the
// before-denoise sequences and inpainting's decode. The auto blocks are not
// provided (ControlNet's and IP-Adapter's branches are not built); pipeline
// files compose them (pipelines/sdxl.json).
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

class StableDiffusionXLInpaintBeforeDenoiseStep : public brick::SequentialPipelineBlocks {
 public:
  std::string description() const override;
  std::vector<brick::SubBlock> sub_blocks() const override;
};

class StableDiffusionXLInpaintDecodeStep : public brick::SequentialPipelineBlocks {
 public:
  std::string description() const override;
  std::vector<brick::SubBlock> sub_blocks() const override;
};

}  // namespace stable_diffusion_xl
