// image.SaveImagesStep: the pipeline's images written as PNG files (the
// last step of text-to-image; diffusers returns PIL images instead).
#pragma once

#include <brick/sdk.h>

namespace image {

class SaveImagesStep : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::vector<brick::InputParam> inputs() const override;
  std::vector<brick::OutputParam> intermediate_outputs() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
};

}  // namespace image
