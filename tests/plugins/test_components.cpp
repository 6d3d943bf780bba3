// A plugin that exports a component type (EulerScheduler) and blocks that use
// it: through the host (call by method name) and natively (its own C++
// object, no marshalling). Loaded through the real loader by
// tests/components/plugin_component_test.cpp.
#include <brick/plugin.h>

#include <vector>

#include <ATen/ops/tensor.h>

namespace {

// A toy scheduler: step(x) = x * scale; set_timesteps(n) makes n steps.
class EulerScheduler : public brick::ComponentType {
 public:
  explicit EulerScheduler(brick::ValueRef config) {
    if (config.size() > 0 && !config["scale"].is_none()) scale = config["scale"].as<double>();
    if (config.size() > 0 && !config["fail"].is_none() && config["fail"].as<bool>()) {
      throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, "EulerScheduler: config asks to fail");
    }
  }

  brick::Value call(const std::string& method, brick::ValueRef args) override {
    if (method == "step") return brick::Value(args[size_t{0}].as<double>() * scale);
    if (method == "set_timesteps") {
      int64_t n = args["num_inference_steps"].as<int64_t>();
      timesteps.clear();
      for (int64_t i = n; i > 0; --i) timesteps.push_back(i * 1000 / n);
      return brick::Value();
    }
    if (method == "timesteps") return brick::Value(timesteps);
    return brick::ComponentType::call(method, args);
  }

  brick::Value config() const override {
    brick::Value c = brick::Value::dict();
    c.set("scale", brick::Value(scale));
    return c;
  }

  double scale = 1.0;
  std::vector<int64_t> timesteps;
};

class OtherType : public brick::ComponentType {};

// A tiny model: its weights come and go through the host's conventions
// (load_state_dict, state_dict, to); `weight_sum` and `device` report them.
class TinyModel : public brick::ComponentType {
 public:
  explicit TinyModel(brick::ValueRef config) : size_(config["size"].is_none() ? 2 : config["size"].as<int64_t>()) {
    std::vector<double> ones(static_cast<size_t>(size_), 1.0);
    weights_ = ones;
  }

  brick::Value call(const std::string& method, brick::ValueRef args) override {
    if (method == "state_dict") {
      return brick::Value::dict().set("weight", brick::Value(at::tensor(weights_)));
    }
    if (method == "load_state_dict") {
      at::Tensor w = args["state_dict"]["weight"].as<at::Tensor>().contiguous();
      weights_.assign(w.data_ptr<double>(), w.data_ptr<double>() + w.numel());
      return brick::Value();
    }
    if (method == "to") {
      device_ = args["device"].as<std::string>();
      return brick::Value();
    }
    if (method == "scale") {
      for (double& w : weights_) w *= args["by"].as<double>();
      return brick::Value();
    }
    if (method == "weight_sum") {
      double sum = 0;
      for (double w : weights_) sum += w;
      return brick::Value(sum);
    }
    if (method == "device") return brick::Value(device_);
    return brick::ComponentType::call(method, args);
  }

  brick::Value config() const override { return brick::Value::dict().set("size", brick::Value(size_)); }

 private:
  int64_t size_;
  std::vector<double> weights_;
  std::string device_ = "never moved";
};

// Uses the scheduler both ways; writes what it saw.
class UsesScheduler : public brick::ModularPipelineBlocks {
 public:
  std::vector<brick::ComponentSpec> expected_components() const override {
    return {brick::ComponentSpec("scheduler", "test_components.EulerScheduler").with_config(brick::Json{R"({"scale": 2.0})"})};
  }
  std::vector<brick::InputParam> inputs() const override { return {brick::InputParam("x", "float").set_required()}; }
  std::vector<brick::OutputParam> intermediate_outputs() const override {
    return {brick::OutputParam("stepped", "float"), brick::OutputParam("timesteps", "list"),
            brick::OutputParam("native_scale", "float"), brick::OutputParam("other_is_null", "bool"),
            brick::OutputParam("unknown_method_error", "str")};
  }
  void operator()(brick::Components& components, brick::PipelineState& state) override {
    auto bs = get_block_state(state);
    brick::ComponentRef scheduler = components.get("scheduler");
    bs.set("stepped", scheduler.call_with("step", bs.get<double>("x")));
    brick::Value kwargs = brick::Value::dict();
    kwargs.set("num_inference_steps", brick::Value(4));
    scheduler.call("set_timesteps", kwargs);
    bs.set("timesteps", scheduler.call("timesteps"));
    EulerScheduler* native = components.native<EulerScheduler>("scheduler");
    bs.set("native_scale", native ? native->scale : -1.0);
    bs.set("other_is_null", components.native<OtherType>("scheduler") == nullptr);
    std::string error;
    try {
      scheduler.call("no_such_method");
    } catch (const brick::Error& e) {
      error = e.what();
    }
    bs.set("unknown_method_error", error);
    set_block_state(state, bs);
  }
};

// Asks for the native object of a component it did not make.
class ProbesNative : public brick::ModularPipelineBlocks {
 public:
  std::vector<brick::OutputParam> intermediate_outputs() const override {
    return {brick::OutputParam("native_found", "bool")};
  }
  void operator()(brick::Components& components, brick::PipelineState& state) override {
    auto bs = get_block_state(state);
    bs.set("native_found", components.native<EulerScheduler>("scheduler") != nullptr);
    set_block_state(state, bs);
  }
};

}  // namespace

BRICK_PLUGIN("test_components", "1.0.0", "component types for the component tests") {
  plugin.add<UsesScheduler>("UsesScheduler");
  plugin.add<ProbesNative>("ProbesNative");
  plugin.add_component<EulerScheduler>("EulerScheduler", "a toy scheduler");
  plugin.add_component<OtherType>("OtherType");
  plugin.add_component<TinyModel>("TinyModel", "a model with weights");
}
