#include "set_timesteps_step.h"

#include "component_access.h"
#include "component_specs.h"

namespace core {

void set_scheduler_timesteps(const brick::Components& components, const brick::BlockState& block_state,
                             const char* block) {
  brick::Value args = brick::Value::dict();
  args.set("num_inference_steps", brick::Value(block_state.get<int64_t>("num_inference_steps")));
  args.set("device", brick::Value(brick::device_name(components.device())));
  if (!block_state["mu"].is_none()) args.set("mu", brick::Value(block_state.get<double>("mu")));
  require_component(components, "scheduler", block).call("set_timesteps", args);
}

std::string SetTimestepsStep::description() const { return "Step that sets the scheduler's timesteps for inference"; }

std::vector<brick::ComponentSpec> SetTimestepsStep::expected_components() const { return {specs::scheduler()}; }

std::vector<brick::InputParam> SetTimestepsStep::inputs() const {
  return {brick::InputParam("num_inference_steps", "int", "The number of denoising steps.").with_default(50),
          brick::InputParam("mu", "float",
                            "Resolution-dependent shift, for a flow-matching scheduler with use_dynamic_shifting.")};
}

std::vector<brick::OutputParam> SetTimestepsStep::intermediate_outputs() const {
  return {
      brick::OutputParam("timesteps", "Tensor", "The timesteps to use for inference"),
      brick::OutputParam("num_inference_steps", "int", "The number of denoising steps to perform at inference time")};
}

void SetTimestepsStep::operator()(brick::Components& components, brick::PipelineState& state) {
  auto block_state = get_block_state(state);
  set_scheduler_timesteps(components, block_state, "core.SetTimestepsStep");
  block_state.set("timesteps", components.get("scheduler").call("timesteps"));
  set_block_state(state, block_state);
}

}  // namespace core
