#include "random_latents.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/ops/randn.h>

namespace example {

std::string RandomLatents::description() const {
  return "Draws latents of shape (batch_size, num_channels_latents, height / 8, width / 8) from a normal "
         "distribution seeded with `seed`.";
}

std::vector<brick::InputParam> RandomLatents::inputs() const {
  return {brick::InputParam("batch_size", "int", "Number of latents to draw.").with_default(1),
          brick::InputParam("num_channels_latents", "int", "Channels of the latent space.").with_default(4),
          brick::InputParam("height", "int", "Image height in pixels (a multiple of 8).").with_default(64),
          brick::InputParam("width", "int", "Image width in pixels (a multiple of 8).").with_default(64),
          brick::InputParam("seed", "int", "Seed of the random generator.").with_default(0)};
}

std::vector<brick::OutputParam> RandomLatents::intermediate_outputs() const {
  return {brick::OutputParam("latents", "Tensor", "Gaussian noise latents.")};
}

void RandomLatents::operator()(brick::Components&, brick::PipelineState& state) {
  auto block_state = get_block_state(state);
  int64_t height = block_state.get<int64_t>("height");
  int64_t width = block_state.get<int64_t>("width");
  if (height % 8 != 0 || width % 8 != 0 || height <= 0 || width <= 0) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, "height and width must be positive multiples of 8, got " +
                                                       std::to_string(height) + "x" + std::to_string(width));
  }
  at::Generator generator = at::detail::createCPUGenerator(static_cast<uint64_t>(block_state.get<int64_t>("seed")));
  block_state.set("latents", at::randn({block_state.get<int64_t>("batch_size"),
                                        block_state.get<int64_t>("num_channels_latents"), height / 8, width / 8},
                                       generator));
  set_block_state(state, block_state);
}

}  // namespace example
