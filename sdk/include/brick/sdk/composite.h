// Composite blocks a plugin exports: sequences, auto and conditional blocks,
// and loop wrappers, built from this plugin's blocks and other plugins'
// (named "plugin.Block"; a bare "Block" is one of this plugin's own).
//
//   class DenoiseLoop : public brick::LoopSequentialPipelineBlocks {       // a loop wrapper
//    public:
//     std::string description() const override { return "Denoising loop"; }
//     std::vector<brick::InputParam> loop_inputs() const override {
//       return {brick::InputParam("num_steps", "int").set_required()};
//     }
//     std::vector<brick::SubBlock> sub_blocks() const override {        // the default children
//       return {{"step", "StepBlock"}};
//     }
//     void operator()(brick::Components& components, brick::PipelineState& state) override {
//       auto block_state = get_block_state(state);
//       for (int64_t i = 0; i < block_state.get<int64_t>("num_steps"); ++i)
//         loop_step(components, block_state, brick::Value::dict().set("i", i));
//       set_block_state(state, block_state);
//     }
//   };
//
// The host merges a composite's interface from its sub-blocks (inputs,
// outputs, components, configs) exactly as Modular Diffusers does, and runs
// sequences and auto blocks itself; a loop wrapper's __call__ and a
// conditional block's select_block run in the plugin.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "brick/sdk/block.h"

namespace brick {

// One child: its name in the parent, the block ("plugin.Block" or this
// plugin's "Block") and its constructor arguments as a JSON object.
struct SubBlock {
  std::string name;
  std::string block;
  std::string config_json;

  SubBlock(std::string name_, std::string block_, std::string config_json_ = {})
      : name(std::move(name_)), block(std::move(block_)), config_json(std::move(config_json_)) {}
};

// A named workflow: the inputs that select it (each alternative spelling is
// one list of input names).
struct Workflow {
  std::string name;
  std::vector<std::vector<std::string>> alternatives;
};

namespace detail {
// What a composite declares beyond a leaf (brick_block_decl, ABI 1.1).
struct CompositeDecl {
  int32_t kind = BRICK_BLOCK_LEAF;
  std::vector<SubBlock> sub_blocks;
  std::vector<std::optional<std::string>> block_trigger_inputs;
  std::optional<std::string> default_block_name;
  std::vector<Workflow> workflows;
  std::optional<std::vector<OutputParam>> outputs;
};
}  // namespace detail

class SequentialPipelineBlocks : public ModularPipelineBlocks {
 public:
  virtual std::vector<SubBlock> sub_blocks() const = 0;
  // Replaces the merged outputs (presets return only [images]).
  virtual std::optional<std::vector<OutputParam>> outputs() const { return std::nullopt; }
  // diffusers' _workflow_map.
  virtual std::vector<Workflow> workflow_map() const { return {}; }

  void declare_composite(detail::CompositeDecl& c) const final {
    c.kind = BRICK_BLOCK_SEQUENTIAL;
    c.sub_blocks = sub_blocks();
    c.workflows = workflow_map();
    c.outputs = outputs();
  }
};

class AutoPipelineBlocks : public ModularPipelineBlocks {
 public:
  virtual std::vector<SubBlock> sub_blocks() const = 0;
  // One per sub-block, in order; std::nullopt marks the default branch.
  virtual std::vector<std::optional<std::string>> block_trigger_inputs() const = 0;

  void declare_composite(detail::CompositeDecl& c) const final {
    c.kind = BRICK_BLOCK_AUTO;
    c.sub_blocks = sub_blocks();
    c.block_trigger_inputs = block_trigger_inputs();
  }
};

class ConditionalPipelineBlocks : public ModularPipelineBlocks {
 public:
  virtual std::vector<SubBlock> sub_blocks() const = 0;
  // The inputs select_block looks at.
  virtual std::vector<std::string> block_trigger_inputs() const = 0;
  // The branch that runs when select_block answers std::nullopt; none: the
  // block may be skipped.
  virtual std::optional<std::string> default_block_name() const { return std::nullopt; }
  // The branch to run given {trigger: value} (None where absent). Decide on
  // presence only: static resolution passes True for produced values.
  virtual std::optional<std::string> select_block(ValueRef triggers) const = 0;

  void declare_composite(detail::CompositeDecl& c) const final {
    c.kind = BRICK_BLOCK_CONDITIONAL;
    c.sub_blocks = sub_blocks();
    for (std::string& t : block_trigger_inputs()) c.block_trigger_inputs.emplace_back(std::move(t));
    c.default_block_name = default_block_name();
  }
};

class LoopSequentialPipelineBlocks : public ModularPipelineBlocks {
 public:
  virtual std::vector<InputParam> loop_inputs() const { return {}; }
  // Legacy (seed documents): loop inputs whose changes reach the state.
  virtual std::vector<InputParam> loop_intermediate_inputs() const { return {}; }
  virtual std::vector<OutputParam> loop_intermediate_outputs() const { return {}; }
  virtual std::vector<ComponentSpec> loop_expected_components() const { return {}; }
  virtual std::vector<ConfigSpec> loop_expected_configs() const { return {}; }
  // The default children; a pipeline may replace them. They must be leaves.
  virtual std::vector<SubBlock> sub_blocks() const { return {}; }

  // The wrapper's own declarations are its loop_* ones; the host merges the
  // sub-blocks' in.
  std::vector<InputParam> inputs() const final { return loop_inputs(); }
  std::vector<InputParam> intermediate_inputs() const final { return loop_intermediate_inputs(); }
  std::vector<OutputParam> intermediate_outputs() const final { return loop_intermediate_outputs(); }
  std::vector<ComponentSpec> expected_components() const final { return loop_expected_components(); }
  std::vector<ConfigSpec> expected_configs() const final { return loop_expected_configs(); }

  void declare_composite(detail::CompositeDecl& c) const final {
    c.kind = BRICK_BLOCK_LOOP;
    c.sub_blocks = sub_blocks();
  }

 protected:
  // One iteration: every sub-block, in order, on block_state, with the
  // iteration arguments (a dict, e.g. Value::dict().set("i", i).set("t", t)).
  void loop_step(Components& components, BlockState& block_state, const Value& args) const {
    brick_status status = detail::host().loop_step(components.ctx(), block_state.handle(), args.ref().handle());
    if (status != BRICK_OK) detail::rethrow_host_error(components.ctx(), status);
  }
  void loop_step(Components& components, BlockState& block_state) const {
    brick_status status = detail::host().loop_step(components.ctx(), block_state.handle(), nullptr);
    if (status != BRICK_OK) detail::rethrow_host_error(components.ctx(), status);
  }
  // Reports `done` of `total` steps (the host draws a progress bar).
  void progress(Components& components, int64_t done, int64_t total) const {
    detail::host().progress(components.ctx(), done, total);
  }
};

}  // namespace brick
