// test_blocks: leaf blocks that exercise every part of the state exchange,
// each one as small as its test needs. Built twice: with native tensor
// exchange (plugin "test_blocks") and with DLPack (plugin "test_blocks_dlpack").
#include <ATen/TensorOperators.h>
#include <ATen/ops/randn.h>
#include <brick/plugin.h>

#include <algorithm>

using brick::BlockState;
using brick::Components;
using brick::InputParam;
using brick::OutputParam;
using brick::PipelineState;

namespace {

// The inputs of Add and PassThrough (and of the benchmark's blocks).
std::vector<InputParam> two_tensors_and_a_scalar() {
  return {InputParam("a", "Tensor").set_required(), InputParam("b", "Tensor").set_required(),
          InputParam("alpha", "float").with_default(1.0)};
}

// out = a + alpha * b
class Add : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override { return "out = a + alpha * b"; }
  std::vector<InputParam> inputs() const override { return two_tensors_and_a_scalar(); }
  std::vector<OutputParam> intermediate_outputs() const override { return {OutputParam("out", "Tensor")}; }
  void operator()(Components&, PipelineState& state) override {
    auto bs = get_block_state(state);
    bs.set("out", bs.get<at::Tensor>("a") + bs.get<at::Tensor>("b") * bs.get<double>("alpha"));
    set_block_state(state, bs);
  }
};

// Reads two tensors and a scalar, writes one tensor, does no arithmetic:
// the ABI's own cost, for the benchmark.
class PassThrough : public brick::ModularPipelineBlocks {
 public:
  std::vector<InputParam> inputs() const override { return two_tensors_and_a_scalar(); }
  std::vector<OutputParam> intermediate_outputs() const override { return {OutputParam("out", "Tensor")}; }
  void operator()(Components&, PipelineState& state) override {
    auto bs = get_block_state(state);
    at::Tensor a = bs.get<at::Tensor>("a");
    at::Tensor b = bs.get<at::Tensor>("b");
    double alpha = bs.get<double>("alpha");
    bs.set("out", alpha > 0 ? a : b);
    set_block_state(state, bs);
  }
};

class RequiredInput : public brick::ModularPipelineBlocks {
 public:
  std::vector<InputParam> inputs() const override { return {InputParam("x").set_required()}; }
  std::vector<OutputParam> intermediate_outputs() const override { return {OutputParam("y")}; }
  void operator()(Components&, PipelineState& state) override {
    auto bs = get_block_state(state);
    bs.set("y", bs["x"]);
    set_block_state(state, bs);
  }
};

// diffusers bug #14388, replicated: a required input with a default never fails.
class RequiredWithDefault : public brick::ModularPipelineBlocks {
 public:
  std::vector<InputParam> inputs() const override {
    return {InputParam("num_inference_steps", "int").set_required().with_default(50)};
  }
  void operator()(Components&, PipelineState& state) override {
    auto bs = get_block_state(state);
    set_block_state(state, bs);
  }
};

class MissingOutput : public brick::ModularPipelineBlocks {
 public:
  std::vector<OutputParam> intermediate_outputs() const override { return {OutputParam("result", "Tensor")}; }
  void operator()(Components&, PipelineState& state) override {
    auto bs = get_block_state(state);
    set_block_state(state, bs);
  }
};

// Sets a value it never declared: it must not reach the pipeline state.
class Scratch : public brick::ModularPipelineBlocks {
 public:
  std::vector<InputParam> inputs() const override { return {InputParam("x", "int").with_default(1)}; }
  std::vector<OutputParam> intermediate_outputs() const override { return {OutputParam("y", "int")}; }
  void operator()(Components&, PipelineState& state) override {
    auto bs = get_block_state(state);
    bs.set("scratch", 123);
    bs.set("y", bs.get<int64_t>("x") + bs.get<int64_t>("scratch"));
    set_block_state(state, bs);
  }
};

// Rebinds one input (a new tensor), keeps another (same tensor), and
// changes a scalar: only the rebound values go back to the state.
class Rebind : public brick::ModularPipelineBlocks {
 public:
  std::vector<InputParam> inputs() const override {
    return {InputParam("image", "Tensor").set_required(), InputParam("mask", "Tensor"),
            InputParam("count", "int").with_default(0), InputParam("tag", "str").with_default("kept")};
  }
  void operator()(Components&, PipelineState& state) override {
    auto bs = get_block_state(state);
    bs.set("image", bs.get<at::Tensor>("image") * 2);
    if (bs.has("mask") && !bs["mask"].is_none()) bs.set("mask", bs.get<at::Tensor>("mask"));
    bs.set("count", bs.get<int64_t>("count") + 1);
    bs.set("tag", bs["tag"]);  // the same value: identity kept
    set_block_state(state, bs);
  }
};

// Reads inputs with defaults and writes nothing: defaults are written back.
class Defaults : public brick::ModularPipelineBlocks {
 public:
  std::vector<InputParam> inputs() const override {
    return {InputParam("strength", "float").with_default(0.3), InputParam("num_inference_steps", "int").with_default(50),
            InputParam("output_type", "str").with_default("pil"), InputParam("latents", "Tensor")};
  }
  void operator()(Components&, PipelineState& state) override {
    auto bs = get_block_state(state);
    set_block_state(state, bs);
  }
};

class KwargsProducer : public brick::ModularPipelineBlocks {
 public:
  std::vector<OutputParam> intermediate_outputs() const override {
    return {OutputParam("a", "int").with_kwargs_type("typea"), OutputParam("b", "int").with_kwargs_type("typea"),
            OutputParam("c", "int")};
  }
  void operator()(Components&, PipelineState& state) override {
    auto bs = get_block_state(state);
    bs.set("a", 1);
    bs.set("b", 2);
    bs.set("c", 3);
    set_block_state(state, bs);
  }
};

// A nameless kwargs input: sees every value tagged "typea".
class KwargsConsumer : public brick::ModularPipelineBlocks {
 public:
  std::vector<InputParam> inputs() const override { return {InputParam::kwargs("typea", "all typea values")}; }
  std::vector<OutputParam> intermediate_outputs() const override {
    return {OutputParam("seen_keys", "list"), OutputParam("a_attribute", "int")};
  }
  void operator()(Components&, PipelineState& state) override {
    auto bs = get_block_state(state);
    auto fields = bs.get<std::map<std::string, brick::ValueRef>>("typea");
    std::vector<std::string> keys;
    for (const auto& entry : fields) keys.push_back(entry.first);
    bs.set("seen_keys", keys);
    bs.set("a_attribute", bs.has("a") ? bs["a"] : brick::ValueRef());
    set_block_state(state, bs);
  }
};

// Seed 004's worked example: a legacy PipelineBlock with an intermediate input.
class ImageEncoder : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override { return "Encode raw image into its latent presentation"; }
  std::vector<InputParam> inputs() const override {
    return {InputParam("image", "PIL.Image", "raw input image to process")};
  }
  std::vector<InputParam> intermediate_inputs() const override { return {InputParam("batch_size", "int")}; }
  std::vector<OutputParam> intermediate_outputs() const override {
    return {OutputParam("image_latents", "", "latents representing the image")};
  }
  void operator()(Components&, PipelineState& state) override {
    auto bs = get_block_state(state);
    brick::log_info("block_state (before update): " + bs.repr());
    bs.set("image", at::randn({1, 3, 512, 512}));
    int64_t batch_size = bs.get<int64_t>("batch_size") * 2;
    bs.set("batch_size", batch_size);
    bs.set("processed_image", std::vector<at::Tensor>(static_cast<size_t>(batch_size), at::randn({1, 3, 512, 512})));
    bs.set("image_latents", at::randn({1, 4, 64, 64}));
    brick::log_info("block_state (after update): " + bs.repr());
    set_block_state(state, bs);
  }
};

// Changes both its inputs in place: the plain (legacy, immutable) one must be
// a private copy, the intermediate one is the caller's.
class LegacyInPlace : public brick::ModularPipelineBlocks {
 public:
  std::vector<InputParam> inputs() const override { return {InputParam("source", "Tensor").set_required()}; }
  std::vector<InputParam> intermediate_inputs() const override {
    return {InputParam("target", "Tensor").set_required()};
  }
  void operator()(Components&, PipelineState& state) override {
    auto bs = get_block_state(state);
    bs.get<at::Tensor>("source").add_(1);
    bs.get<at::Tensor>("target").add_(1);
    set_block_state(state, bs);
  }
};

// Reports the data pointers it sees and makes: zero-copy checks.
class Pointers : public brick::ModularPipelineBlocks {
 public:
  std::vector<InputParam> inputs() const override { return {InputParam("x", "Tensor").set_required()}; }
  std::vector<OutputParam> intermediate_outputs() const override {
    return {OutputParam("x_ptr", "int"), OutputParam("y", "Tensor"), OutputParam("y_ptr", "int"),
            OutputParam("x_device", "str")};
  }
  void operator()(Components&, PipelineState& state) override {
    auto bs = get_block_state(state);
    at::Tensor x = bs.get<at::Tensor>("x");
    at::Tensor y = x + 1;
    bs.set("x_ptr", reinterpret_cast<int64_t>(x.data_ptr()));
    bs.set("y_ptr", reinterpret_cast<int64_t>(y.data_ptr()));
    bs.set("y", y);
    bs.set("x_device", x.device().str());
    set_block_state(state, bs);
  }
};

// Takes constructor arguments: which input to read and the factor.
class Configured : public brick::ModularPipelineBlocks {
 public:
  explicit Configured(brick::ValueRef config)
      : input_(config.is_none() || config["input_name"].is_none() ? "x" : config["input_name"].as<std::string>()),
        factor_(config.is_none() || config["factor"].is_none() ? 1 : config["factor"].as<int64_t>()) {}
  std::vector<InputParam> inputs() const override { return {InputParam(input_, "int").set_required()}; }
  std::vector<OutputParam> intermediate_outputs() const override { return {OutputParam("product", "int")}; }
  void operator()(Components&, PipelineState& state) override {
    auto bs = get_block_state(state);
    bs.set("product", bs.get<int64_t>(input_) * factor_);
    set_block_state(state, bs);
  }

 private:
  std::string input_;
  int64_t factor_;
};

// Reads a pipeline config through the components handle.
class ReadConfig : public brick::ModularPipelineBlocks {
 public:
  std::vector<brick::ConfigSpec> expected_configs() const override {
    return {brick::ConfigSpec("force_zeros_for_empty_prompt", true, "zeros for an empty prompt")};
  }
  std::vector<OutputParam> intermediate_outputs() const override {
    return {OutputParam("force_zeros", "bool"), OutputParam("device_type", "int")};
  }
  void operator()(Components& components, PipelineState& state) override {
    auto bs = get_block_state(state);
    bs.set("force_zeros", components.config<bool>("force_zeros_for_empty_prompt"));
    bs.set("device_type", static_cast<int64_t>(components.device().device_type));
    set_block_state(state, bs);
  }
};

// Returns the reprs of its block state and of the pipeline state.
class Reprs : public brick::ModularPipelineBlocks {
 public:
  std::vector<InputParam> inputs() const override { return {InputParam("x"), InputParam("items")}; }
  std::vector<OutputParam> intermediate_outputs() const override {
    return {OutputParam("block_state_repr", "str"), OutputParam("pipeline_state_repr", "str")};
  }
  void operator()(Components&, PipelineState& state) override {
    auto bs = get_block_state(state);
    bs.set("block_state_repr", bs.repr());
    bs.set("pipeline_state_repr", state.repr());
    set_block_state(state, bs);
  }
};

// Every kind of value through the C++ layer: `same` keeps the value's
// identity, `copy` rebuilds it from its C++ form.
class Values : public brick::ModularPipelineBlocks {
 public:
  std::vector<InputParam> inputs() const override { return {InputParam("v")}; }
  std::vector<OutputParam> intermediate_outputs() const override {
    return {OutputParam("same"), OutputParam("copy"), OutputParam("kind")};
  }
  void operator()(Components&, PipelineState& state) override {
    auto bs = get_block_state(state);
    brick::ValueRef v = bs["v"];
    bs.set("same", v);
    bs.set("copy", rebuild(v));
    bs.set("kind", std::string(v.kind_name()));
    set_block_state(state, bs);
  }

 private:
  static brick::Value rebuild(brick::ValueRef v) {
    switch (v.kind()) {
      case BRICK_VALUE_NONE: return brick::Value(nullptr);
      case BRICK_VALUE_BOOL: return brick::Value(v.as<bool>());
      case BRICK_VALUE_INT: return brick::Value(v.as<int64_t>());
      case BRICK_VALUE_FLOAT: return brick::Value(v.as<double>());
      case BRICK_VALUE_STRING: return brick::Value(v.as<std::string>());
      case BRICK_VALUE_TENSOR: return brick::Value(v.as<at::Tensor>().clone());
      case BRICK_VALUE_LIST: {
        brick::Value list = brick::Value::list();
        for (size_t i = 0; i < v.size(); ++i) list.append(rebuild(v[i]));
        return list;
      }
      case BRICK_VALUE_DICT: {
        brick::Value dict = brick::Value::dict();
        for (size_t i = 0; i < v.size(); ++i) dict.set(v.key_at(i).c_str(), rebuild(v.value_at(i)));
        return dict;
      }
      default: throw brick::Error("unknown value kind");
    }
  }
};

class Logs : public brick::ModularPipelineBlocks {
 public:
  void operator()(Components&, PipelineState& state) override {
    auto bs = get_block_state(state);
    brick::log_warning("hello from a plugin");
    set_block_state(state, bs);
  }
};

// Declares one of everything, for the doc format.
class DeclaresAll : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override { return "  First line.\nSecond line.   \n\n Indented third.\n"; }
  std::string model_name() const override { return "test"; }
  std::vector<brick::ComponentSpec> expected_components() const override {
    return {brick::ComponentSpec("unet", "UNet2DConditionModel", "the denoiser")
                .with_repo("org/sdxl", "unet")
                .with_variant("fp16"),
            brick::ComponentSpec("guider", "ClassifierFreeGuidance").with_config(brick::Json{R"({"guidance_scale": 7.5})"})};
  }
  std::vector<brick::ConfigSpec> expected_configs() const override {
    return {brick::ConfigSpec("force_zeros_for_empty_prompt", true), brick::ConfigSpec("mode", "fast", "speed mode")};
  }
  std::vector<InputParam> inputs() const override {
    return {InputParam("prompt", "str", "The prompt or prompts to guide the image generation.").set_required(),
            InputParam("num_inference_steps", "int").with_default(50),
            InputParam("strength", "float", std::string(30, 'x') + " " + std::string(100, 'y') + " z")
                .with_default(0.9999),
            InputParam("output_type", "str").with_default("pil"),
            InputParam("sigmas", "list").with_default(std::vector<double>{1.0, 0.5}),
            InputParam("anything", "Any").with_metadata(brick::Json{R"({"mellon": "slider"})"}),
            InputParam::kwargs("denoiser_input_fields", "conditional model inputs")};
  }
  std::vector<OutputParam> intermediate_outputs() const override {
    return {OutputParam("images", "list", "The generated images."),
            OutputParam("prompt_embeds", "Tensor").with_kwargs_type("denoiser_input_fields")};
  }
  void operator()(Components&, PipelineState& state) override {
    auto bs = get_block_state(state);
    set_block_state(state, bs);
  }
};

}  // namespace

#ifndef TEST_PLUGIN_NAME
#define TEST_PLUGIN_NAME "test_blocks"
#endif

BRICK_PLUGIN(TEST_PLUGIN_NAME, "1.2.3", "Leaf blocks for the brick test suite") {
  plugin.add<Add>("Add", "out = a + alpha * b");
  plugin.add<PassThrough>("PassThrough");
  plugin.add<RequiredInput>("RequiredInput");
  plugin.add<RequiredWithDefault>("RequiredWithDefault");
  plugin.add<MissingOutput>("MissingOutput");
  plugin.add<Scratch>("Scratch");
  plugin.add<Rebind>("Rebind");
  plugin.add<Defaults>("Defaults");
  plugin.add<KwargsProducer>("KwargsProducer");
  plugin.add<KwargsConsumer>("KwargsConsumer");
  plugin.add<ImageEncoder>("TestBlock");
  plugin.add<LegacyInPlace>("LegacyInPlace");
  plugin.add<Pointers>("Pointers");
  plugin.add<Configured>("Configured");
  plugin.add<ReadConfig>("ReadConfig");
  plugin.add<Reprs>("Reprs");
  plugin.add<Values>("Values");
  plugin.add<Logs>("Logs");
  plugin.add<DeclaresAll>("DeclaresAll");
}
