// image.LoadImageStep: a PNG file -> a uint8 (H, W, 3) tensor (diffusers'
// load_image, as a block).
#pragma once

#include <brick/sdk.h>

namespace image {

class LoadImageStep : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::vector<brick::InputParam> inputs() const override;
  std::vector<brick::OutputParam> intermediate_outputs() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
};

}  // namespace image
