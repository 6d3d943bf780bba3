#include "denoise_loop.h"

#include "component_specs.h"

namespace core {

namespace {

// The schedule as host scalars: a CPU tensor (the contract's timesteps) or a
// list. A device tensor would cost one copy here, before the loop, not in it.
std::vector<double> host_timesteps(brick::ValueRef timesteps) {
  if (timesteps.is_tensor()) {
    at::Tensor t = timesteps.as<at::Tensor>().to(at::kCPU).to(at::kDouble).contiguous().reshape({-1});
    const double* data = t.data_ptr<double>();
    return std::vector<double>(data, data + t.numel());
  }
  if (timesteps.kind() == BRICK_VALUE_LIST) return timesteps.as<std::vector<double>>();
  throw brick::Error(
      BRICK_ERR_TYPE_MISMATCH,
      std::string("core.DenoiseLoop: timesteps must be a Tensor or a list, got ") + timesteps.kind_name());
}

}  // namespace

std::string DenoiseLoop::description() const {
  return "Denoise step that iteratively denoise the latents. \n"
         "Its loop logic is defined in `DenoiseLoop.__call__` method \n"
         "At each iteration, it runs blocks defined in `sub_blocks` sequentially:\n"
         " - `LoopBeforeDenoiser`\n"
         " - `LoopDenoiser`\n"
         " - `LoopAfterDenoiser`\n"
         "This block supports both text2img and img2img tasks.";
}

std::vector<brick::InputParam> DenoiseLoop::loop_inputs() const {
  return {brick::InputParam("timesteps", "Tensor",
                            "The timesteps to use for the denoising process. Can be generated in set_timesteps step.")
              .set_required(),
          brick::InputParam("num_inference_steps", "int",
                            "The number of inference steps to use for the denoising process. Can be generated in "
                            "set_timesteps step.")
              .set_required()};
}

std::vector<brick::ComponentSpec> DenoiseLoop::loop_expected_components() const {
  return {specs::guider(), specs::scheduler(), specs::unet()};
}

std::vector<brick::SubBlock> DenoiseLoop::sub_blocks() const {
  return {
      {"before_denoiser", "LoopBeforeDenoiser"}, {"denoiser", "LoopDenoiser"}, {"after_denoiser", "LoopAfterDenoiser"}};
}

void DenoiseLoop::operator()(brick::Components& components, brick::PipelineState& state) {
  auto block_state = get_block_state(state);
  const std::vector<double> timesteps = host_timesteps(block_state["timesteps"]);
  const auto total = static_cast<int64_t>(timesteps.size());
  for (int64_t i = 0; i < total; ++i) {
    loop_step(components, block_state,
              brick::Value::dict().set("i", brick::Value(i)).set("t", brick::Value(timesteps[static_cast<size_t>(i)])));
    progress(components, i + 1, total);
  }
  set_block_state(state, block_state);
}

}  // namespace core
