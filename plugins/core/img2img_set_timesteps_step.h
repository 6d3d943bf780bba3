// core.Img2ImgSetTimestepsStep: diffusers' StableDiffusionXLImg2ImgSetTimestepsStep
// (get_timesteps without denoising_start): keeps the last strength share of
// the schedule and tells the scheduler where it begins.
#pragma once

#include <brick/sdk.h>

namespace core {

class Img2ImgSetTimestepsStep : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::vector<brick::ComponentSpec> expected_components() const override;
  std::vector<brick::InputParam> inputs() const override;
  std::vector<brick::OutputParam> intermediate_outputs() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
};

}  // namespace core
