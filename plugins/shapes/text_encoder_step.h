// shapes.TextEncoderStep: prompts to conditions, the first step of the
// text-to-image pipeline (diffusers' TextEncoderStep). Encodes `prompt` and
// `negative_prompt` with the `text_encoder` component through the host
// (any component answering encode({prompt}) works, not only this plugin's)
// and puts both on the pipeline's device.
#pragma once

#include <brick/sdk.h>

namespace shapes {

class TextEncoderStep : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::vector<brick::ComponentSpec> expected_components() const override;
  std::vector<brick::InputParam> inputs() const override;
  std::vector<brick::OutputParam> intermediate_outputs() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
};

}  // namespace shapes
