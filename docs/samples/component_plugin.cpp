// docs/writing-a-plugin.md, section "Component types": a plugin exporting a
// component type and a block that declares the component and calls it.
#include <ATen/TensorOperators.h>
#include <ATen/ops/full.h>
#include <brick/plugin.h>
#include <brick/sdk/device.h>

#include "scale_block.h"

// [sample:component_type]
// A scheduler-like component: created from its config, called by method name.
class MyScheduler : public brick::ComponentType {
 public:
  explicit MyScheduler(brick::ValueRef config) {
    if (!config.is_none() && !config["shift"].is_none()) shift = config["shift"].as<double>();
  }
  brick::Value call(const std::string& method, brick::ValueRef args) override {
    if (method == "step") return brick::Value(args["sample"].as<at::Tensor>() + shift);
    return brick::ComponentType::call(method, args);  // "no method 'x' on MyScheduler"
  }
  brick::Value config() const override { return brick::Value::dict().set("shift", shift); }
  double shift = 1.0;
};
// [/sample:component_type]

// [sample:block_with_component]
class Step : public brick::ModularPipelineBlocks {
 public:
  std::vector<brick::ComponentSpec> expected_components() const override {
    // A type from this plugin ("my_plugin.MyScheduler") or any other one's.
    return {brick::ComponentSpec("scheduler", "my_plugin.MyScheduler", "Adds its shift")
                .with_config(brick::Json{R"({"shift": 0.5})"})};
  }
  std::vector<brick::InputParam> inputs() const override {
    return {brick::InputParam("height", "int").with_default(int64_t{2})};
  }
  std::vector<brick::OutputParam> intermediate_outputs() const override {
    return {brick::OutputParam("latents", "Tensor")};
  }

  void operator()(brick::Components& components, brick::PipelineState& state) override {
    auto block_state = get_block_state(state);
    // Make tensors where the pipeline runs (pipe.to("cuda") moves it).
    at::Device device = brick::torch_device(components.device());
    at::Tensor zeros = at::full({1, block_state.get<int64_t>("height")}, 0.0, at::TensorOptions().device(device));
    // Any plugin's component, through the host: method name and a dict of arguments.
    brick::Value out = components.get("scheduler").call("step", brick::Value::dict().set("sample", zeros));
    block_state.set("latents", out.ref().as<at::Tensor>());
    set_block_state(state, block_state);
  }
};
// [/sample:block_with_component]

// [sample:entry]
BRICK_PLUGIN("my_plugin", "1.0.0", "Blocks and a scheduler") {
  plugin.add<Scale>("Scale");
  plugin.add<Step>("Step");
  plugin.add_component<MyScheduler>("MyScheduler");
}
// In a block: components.get("scheduler").call("step", args), or, for this
// plugin's own type, components.native<MyScheduler>("scheduler").
// [/sample:entry]
