// Blocks for the composition tests: a leaf configured by its constructor
// arguments (so that tests build any graph from real plugin blocks), the
// seed document's loop wrapper and loop block, a timestep loop, and
// composites exported from a plugin: an auto block, a conditional block with
// its own select_block, a sequence with workflows that uses another plugin's
// block.
#include <brick/plugin.h>
#include <brick/sdk.h>

#include <string>
#include <utility>
#include <vector>

namespace {

// JSON text of a (borrowed) value, for declaration defaults.
std::string json_of(brick::ValueRef v) {
  switch (v.kind()) {
    case BRICK_VALUE_NONE: return "null";
    case BRICK_VALUE_BOOL: return v.as<bool>() ? "true" : "false";
    case BRICK_VALUE_INT: return std::to_string(v.as<int64_t>());
    case BRICK_VALUE_FLOAT: return brick::to_json(v.as<double>());
    case BRICK_VALUE_STRING: return brick::to_json(v.as<std::string>());
    case BRICK_VALUE_LIST: {
      std::string out = "[";
      for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + json_of(v[i]);
      return out + "]";
    }
    case BRICK_VALUE_DICT: {
      std::string out = "{";
      for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + brick::to_json(v.key_at(i)) + ": " + json_of(v.value_at(i));
      return out + "}";
    }
    default: throw brick::Error(BRICK_ERR_TYPE_MISMATCH, "a tensor cannot be a declared default");
  }
}

std::string text(brick::ValueRef v, const char* key) { return v[key].is_none() ? std::string() : v[key].as<std::string>(); }

// A scalar from the configuration, kept past the create call.
struct Scalar {
  brick_value_kind kind = BRICK_VALUE_NONE;
  int64_t i = 0;
  double f = 0;
  std::string s;

  static Scalar of(brick::ValueRef v) {
    Scalar out;
    out.kind = v.kind();
    if (out.kind == BRICK_VALUE_BOOL) out.i = v.as<bool>();
    if (out.kind == BRICK_VALUE_INT) out.i = v.as<int64_t>();
    if (out.kind == BRICK_VALUE_FLOAT) out.f = v.as<double>();
    if (out.kind == BRICK_VALUE_STRING) out.s = v.as<std::string>();
    return out;
  }
  brick::Value value() const {
    switch (kind) {
      case BRICK_VALUE_BOOL: return brick::Value(i != 0);
      case BRICK_VALUE_INT: return brick::Value(i);
      case BRICK_VALUE_FLOAT: return brick::Value(f);
      case BRICK_VALUE_STRING: return brick::Value(s);
      default: return brick::Value();
    }
  }
};

std::vector<brick::InputParam> read_inputs(brick::ValueRef list) {
  std::vector<brick::InputParam> out;
  for (size_t i = 0; i < list.size(); ++i) {
    brick::ValueRef p = list[i];
    brick::InputParam param = p["name"].is_none() ? brick::InputParam::kwargs(text(p, "kwargs_type"))
                                                  : brick::InputParam(text(p, "name"), text(p, "type_hint"));
    param.description = text(p, "description");
    if (!p["name"].is_none()) param.kwargs_type = text(p, "kwargs_type");
    if (!p["default"].is_none()) param.default_json = json_of(p["default"]);
    if (!p["required"].is_none()) param.required = p["required"].as<bool>();
    out.push_back(std::move(param));
  }
  return out;
}

std::vector<brick::OutputParam> read_outputs(brick::ValueRef list) {
  std::vector<brick::OutputParam> out;
  for (size_t i = 0; i < list.size(); ++i) {
    brick::ValueRef p = list[i];
    out.push_back(brick::OutputParam(text(p, "name"), text(p, "type_hint"), text(p, "description"))
                      .with_kwargs_type(text(p, "kwargs_type")));
  }
  return out;
}

// Step: a leaf whose interface and work come from its constructor arguments:
//   class_name, description, model_name, inputs, intermediate_inputs,
//   outputs, components, configs (declarations);
//   set {name: scalar}, copy {to: from}, add {name: number}, fail "message",
//   trace "label" (appends the label to the list `trace`, declared as an
//   input and an output).
class Step : public brick::ModularPipelineBlocks {
 public:
  Step() = default;
  explicit Step(brick::ValueRef c) {
    if (c.is_none()) return;
    class_name_ = text(c, "class_name");
    description_ = text(c, "description");
    model_name_ = text(c, "model_name");
    inputs_ = read_inputs(c["inputs"]);
    intermediate_inputs_ = read_inputs(c["intermediate_inputs"]);
    outputs_ = read_outputs(c["outputs"]);
    for (size_t i = 0; i < c["components"].size(); ++i) {
      brick::ValueRef s = c["components"][i];
      brick::ComponentSpec spec(text(s, "name"), text(s, "type_hint"), text(s, "description"));
      if (!s["repo"].is_none()) spec.with_repo(text(s, "repo"), text(s, "subfolder"));
      if (!s["config"].is_none()) spec.with_config(brick::Json{json_of(s["config"])});
      components_.push_back(std::move(spec));
    }
    for (size_t i = 0; i < c["configs"].size(); ++i) {
      brick::ValueRef s = c["configs"][i];
      brick::ConfigSpec spec(text(s, "name"), 0, text(s, "description"));
      spec.default_json = json_of(s["default"]);
      configs_.push_back(std::move(spec));
    }
    for (size_t i = 0; i < c["set"].size(); ++i) set_.emplace_back(c["set"].key_at(i), Scalar::of(c["set"].value_at(i)));
    for (size_t i = 0; i < c["copy"].size(); ++i) copy_.emplace_back(c["copy"].key_at(i), c["copy"].value_at(i).as<std::string>());
    for (size_t i = 0; i < c["add"].size(); ++i) add_.emplace_back(c["add"].key_at(i), c["add"].value_at(i).as<double>());
    fail_ = text(c, "fail");
    trace_ = text(c, "trace");
    if (!trace_.empty()) {
      inputs_.push_back(brick::InputParam("trace", "list"));
      outputs_.push_back(brick::OutputParam("trace", "list"));
    }
  }

  std::string class_name() const override { return class_name_; }
  std::string description() const override { return description_; }
  std::string model_name() const override { return model_name_; }
  std::vector<brick::InputParam> inputs() const override { return inputs_; }
  std::vector<brick::InputParam> intermediate_inputs() const override { return intermediate_inputs_; }
  std::vector<brick::OutputParam> intermediate_outputs() const override { return outputs_; }
  std::vector<brick::ComponentSpec> expected_components() const override { return components_; }
  std::vector<brick::ConfigSpec> expected_configs() const override { return configs_; }

  void operator()(brick::Components&, brick::PipelineState& state) override {
    auto block_state = get_block_state(state);
    work(block_state);
    set_block_state(state, block_state);
  }
  void operator()(brick::Components&, brick::BlockState& block_state, brick::ValueRef) override { work(block_state); }

 private:
  void work(brick::BlockState& block_state) const {
    if (!fail_.empty()) throw brick::Error(BRICK_ERR_BLOCK_FAILED, fail_);
    for (const auto& [name, value] : set_) block_state.set(name, value.value());
    for (const auto& [to, from] : copy_) block_state.set(to, brick::Value::retain(block_state[from]));
    for (const auto& [name, amount] : add_) {
      brick::ValueRef v = block_state[name];
      if (v.kind() == BRICK_VALUE_INT && amount == static_cast<int64_t>(amount)) {
        block_state.set(name, v.as<int64_t>() + static_cast<int64_t>(amount));
      } else {
        block_state.set(name, v.as<double>() + amount);
      }
    }
    if (!trace_.empty()) {
      brick::Value trace = brick::Value::list();
      brick::ValueRef old = block_state["trace"];
      for (size_t i = 0; i < old.size(); ++i) trace.append(brick::Value::retain(old[i]));
      trace.append(brick::Value(trace_));
      block_state.set("trace", std::move(trace));
    }
  }

  std::string class_name_, description_, model_name_, fail_, trace_;
  std::vector<brick::InputParam> inputs_, intermediate_inputs_;
  std::vector<brick::OutputParam> outputs_;
  std::vector<brick::ComponentSpec> components_;
  std::vector<brick::ConfigSpec> configs_;
  std::vector<std::pair<std::string, Scalar>> set_;
  std::vector<std::pair<std::string, std::string>> copy_;
  std::vector<std::pair<std::string, double>> add_;
};

// The seed document's loop wrapper and loop block.
class LoopWrapper : public brick::LoopSequentialPipelineBlocks {
 public:
  std::string model_name() const override { return "test"; }
  std::string description() const override { return "I'm a loop!!"; }
  std::vector<brick::InputParam> loop_inputs() const override { return {brick::InputParam("num_steps")}; }
  void operator()(brick::Components& components, brick::PipelineState& state) override {
    auto block_state = get_block_state(state);
    int64_t steps = block_state.get<int64_t>("num_steps");
    for (int64_t i = 0; i < steps; ++i) loop_step(components, block_state, brick::Value::dict().set("i", i));
    set_block_state(state, block_state);
  }
};

class LoopBlock : public brick::ModularPipelineBlocks {
 public:
  std::string model_name() const override { return "test"; }
  std::vector<brick::InputParam> inputs() const override { return {brick::InputParam("x")}; }
  std::vector<brick::OutputParam> intermediate_outputs() const override { return {brick::OutputParam("x")}; }
  std::string description() const override { return "I'm a block used inside the `LoopWrapper` class"; }
  void operator()(brick::Components&, brick::BlockState& block_state, brick::ValueRef) override {
    block_state.set("x", block_state.get<int64_t>("x") + 1);
  }
};

// A denoising-style loop: for (i, t) in enumerate(timesteps), with progress.
class TimestepLoop : public brick::LoopSequentialPipelineBlocks {
 public:
  std::string description() const override { return "Iterates over the timesteps"; }
  std::vector<brick::InputParam> loop_inputs() const override {
    return {brick::InputParam("timesteps", "list").set_required(),
            brick::InputParam("num_inference_steps", "int").set_required()};
  }
  std::vector<brick::OutputParam> loop_intermediate_outputs() const override {
    return {brick::OutputParam("steps_run", "int")};
  }
  std::vector<brick::SubBlock> sub_blocks() const override { return {{"record", "RecordStep"}}; }
  void operator()(brick::Components& components, brick::PipelineState& state) override {
    auto block_state = get_block_state(state);
    brick::ValueRef timesteps = block_state["timesteps"];
    int64_t n = static_cast<int64_t>(timesteps.size());
    for (int64_t i = 0; i < n; ++i) {
      loop_step(components, block_state,
                brick::Value::dict().set("i", i).set("t", brick::Value::retain(block_state["timesteps"][static_cast<size_t>(i)])));
      progress(components, i + 1, n);
    }
    block_state.set("steps_run", n);
    set_block_state(state, block_state);
  }
};

// Records each iteration's (i, t) into `record`.
class RecordStep : public brick::ModularPipelineBlocks {
 public:
  std::vector<brick::InputParam> inputs() const override { return {brick::InputParam("record", "list")}; }
  std::vector<brick::OutputParam> intermediate_outputs() const override { return {brick::OutputParam("record", "list")}; }
  void operator()(brick::Components&, brick::BlockState& block_state, brick::ValueRef args) override {
    brick::Value record = brick::Value::list();
    brick::ValueRef old = block_state["record"];
    for (size_t i = 0; i < old.size(); ++i) record.append(brick::Value::retain(old[i]));
    record.append(brick::Value::list().append(args["i"].as<int64_t>()).append(brick::Value::retain(args["t"])));
    block_state.set("record", std::move(record));
  }
};

std::string step(const std::string& class_name, const std::string& inputs_json, const std::string& outputs_json,
                 const std::string& extra = "") {
  return "{\"class_name\": \"" + class_name + "\", \"inputs\": " + inputs_json + ", \"outputs\": " + outputs_json +
         (extra.empty() ? "" : ", " + extra) + "}";
}

// AutoPipelineBlocks from a plugin: mask_image -> inpaint, image -> img2img,
// otherwise text2img.
class ImageAuto : public brick::AutoPipelineBlocks {
 public:
  std::string description() const override { return "Encodes the image when there is one"; }
  std::vector<brick::SubBlock> sub_blocks() const override {
    return {{"inpaint", "Step",
             step("InpaintStep",
                  R"([{"name": "mask_image", "required": true}, {"name": "image", "required": true}, {"name": "strength", "type_hint": "float", "default": 0.9999}])",
                  R"([{"name": "image_latents"}])", R"("set": {"image_latents": "inpaint"}, "trace": "inpaint")")},
            {"img2img", "Step",
             step("Img2ImgStep",
                  R"([{"name": "image", "required": true}, {"name": "strength", "type_hint": "float", "default": 0.3}])",
                  R"([{"name": "image_latents"}])", R"("set": {"image_latents": "img2img"}, "trace": "img2img")")},
            {"text2img", "Step", step("Text2ImgStep", "[]", "[]", R"("trace": "text2img")")}};
  }
  std::vector<std::optional<std::string>> block_trigger_inputs() const override {
    return {"mask_image", "image", std::nullopt};
  }
};

// ConditionalPipelineBlocks with its own select_block: mask -> inpaint,
// image -> img2img; the default branch comes from the constructor
// ({"default": "name"}), none by default.
class Select : public brick::ConditionalPipelineBlocks {
 public:
  Select() = default;
  explicit Select(brick::ValueRef config) {
    if (!config.is_none() && !config["default"].is_none()) default_ = config["default"].as<std::string>();
  }
  std::vector<brick::SubBlock> sub_blocks() const override {
    return {{"inpaint", "Step", step("InpaintBranch", R"([{"name": "mask"}])", "[]", R"("trace": "inpaint")")},
            {"img2img", "Step", step("Img2ImgBranch", R"([{"name": "image"}])", "[]", R"("trace": "img2img")")},
            {"text2img", "Step", step("Text2ImgBranch", "[]", "[]", R"("trace": "text2img")")}};
  }
  std::vector<std::string> block_trigger_inputs() const override { return {"mask", "image"}; }
  std::optional<std::string> default_block_name() const override { return default_; }
  std::optional<std::string> select_block(brick::ValueRef triggers) const override {
    if (!triggers["mask"].is_none()) return "inpaint";
    if (!triggers["image"].is_none()) return "img2img";
    return std::nullopt;
  }

 private:
  std::optional<std::string> default_;
};

// A sequence with workflows, made of this plugin's blocks and another
// plugin's (test_blocks.PassThrough).
class Workflows : public brick::SequentialPipelineBlocks {
 public:
  std::string description() const override { return "Encodes, maybe encodes an image, passes x through"; }
  std::vector<brick::SubBlock> sub_blocks() const override {
    return {{"text_encoder", "Step",
             step("TextEncoder", R"([{"name": "prompt", "type_hint": "str", "required": true}])",
                  R"([{"name": "prompt_embeds"}])", R"("set": {"prompt_embeds": 1.0})")},
            {"vae_encoder", "ImageAuto"},
            {"pass", "test_blocks.PassThrough"}};
  }
  std::vector<brick::Workflow> workflow_map() const override {
    return {{"text2image", {{"prompt"}}},
            {"image2image", {{"image", "prompt"}, {"last_image", "prompt"}}},
            {"inpainting", {{"mask_image", "image", "prompt"}}}};
  }
  std::optional<std::vector<brick::OutputParam>> outputs() const override {
    return std::vector<brick::OutputParam>{brick::OutputParam("image_latents")};
  }
};

// A loop whose default sub-block is a composite: refused when created.
class BadLoop : public brick::LoopSequentialPipelineBlocks {
 public:
  std::vector<brick::SubBlock> sub_blocks() const override { return {{"inner", "ImageAuto"}}; }
  void operator()(brick::Components&, brick::PipelineState&) override {}
};

}  // namespace

BRICK_PLUGIN("test_composition", "0.3.0", "Composite and loop blocks for the brick test suite") {
  plugin.add<Step>("Step", "A leaf configured by its constructor arguments");
  plugin.add<LoopWrapper>("LoopWrapper", "The seed document's loop wrapper");
  plugin.add<LoopBlock>("LoopBlock", "The seed document's loop block");
  plugin.add<TimestepLoop>("TimestepLoop");
  plugin.add<RecordStep>("RecordStep");
  plugin.add<ImageAuto>("ImageAuto");
  plugin.add<Select>("Select");
  plugin.add<Workflows>("Workflows");
  plugin.add<BadLoop>("BadLoop");
}
