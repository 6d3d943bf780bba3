// PluginBlock: a leaf block whose work is done by a block instance from a
// plugin. It converts the instance's declarations once and runs the instance
// with a brick_ctx that gives it the pipeline state, or, inside a loop, the
// loop's block state.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "brick/host/blocks/block_state_exchange.h"
#include "brick/host/blocks/blocks.h"
#include "declarations.h"
#include "plugin_block_instance.h"

namespace brick::host::detail {

class PluginBlock final : public ModularPipelineBlocks {
 public:
  PluginBlock(PluginBlockInstance instance, BlockDeclaration declaration);

  std::string class_name() const override { return shared_->name; }
  std::string description() const override { return shared_->description; }
  std::string model_name() const override { return shared_->model_name; }
  std::vector<InputParam> inputs() const override;
  std::vector<InputParam> intermediate_inputs() const override { return shared_->leaf.intermediate_inputs; }
  std::vector<OutputParam> intermediate_outputs() const override { return shared_->leaf.outputs; }
  std::vector<ComponentSpec> expected_components() const override { return shared_->components; }
  std::vector<ConfigSpec> expected_configs() const override { return shared_->configs; }

  void operator()(Components& components, PipelineState& state) override;
  void loop_call(Components& components, BlockState& block_state, const Value& args) override;
  BlockPtr clone() const override { return BlockPtr(new PluginBlock(*this)); }
  BlockPtr reloaded(const BlockFactory& factory) const override;

  const std::string& qualified_name() const { return instance_.qualified_name(); }

 private:
  // What copies of one block share: its declarations, converted once; the
  // params live in the leaf interface the state exchange runs on.
  struct Shared {
    std::string name, description, model_name;
    std::vector<ComponentSpec> components;
    std::vector<ConfigSpec> configs;
    LeafInterface leaf;
    uint32_t flags = 0;      // BRICK_BLOCK_* flags (ABI 1.2)
    std::string crash_text;  // what a crash report names (describe_call)
  };
  PluginBlock(const PluginBlock& other) : instance_(other.instance_), shared_(other.shared_) {}

  PluginBlockInstance instance_;
  std::shared_ptr<const Shared> shared_;
  // Inside a loop: this block's slots in the loop's block state, for the
  // slot names last seen (one loop run reuses them every iteration).
  BlockState::SlotNames loop_slot_names_;
  std::vector<int32_t> loop_slot_map_;
};

// Where each of `leaf`'s slots is in a block state with `names` (-1: absent).
std::vector<int32_t> slot_map_onto(const std::vector<std::string>& leaf, const std::vector<std::string>& names);

}  // namespace brick::host::detail
