// cuda.LatentsToImage: latents in [-1, 1] straight to uint8 NHWC images on
// the latents' device, with a CUDA kernel of our own on CUDA tensors and the
// same formula in a CPU loop otherwise (docs/plugins/cuda.md). It fuses
// diffusers' denormalize + numpy_to_pil arithmetic into one pass.
#pragma once

#include <brick/sdk.h>

namespace brick_cuda {

class LatentsToImage : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::vector<brick::InputParam> inputs() const override;
  std::vector<brick::OutputParam> intermediate_outputs() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
};

}  // namespace brick_cuda
