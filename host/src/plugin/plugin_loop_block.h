// PluginLoopBlocks: a loop wrapper from a plugin (BRICK_BLOCK_LOOP). The
// plugin's __call__ runs the loop; its host->loop_step calls come back here
// and run the sub-blocks (leaves, from any plugin) on the wrapper's block
// state. The wrapper's own declarations are its loop_* ones; the merged
// interface is computed by LoopSequentialPipelineBlocks.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "brick/host/blocks/loop_blocks.h"
#include "declarations.h"
#include "plugin_block_instance.h"

namespace brick::host::detail {

class PluginLoopBlocks final : public LoopSequentialPipelineBlocks {
 public:
  PluginLoopBlocks(PluginBlockInstance instance, BlockDeclaration declaration, NamedBlocks sub_blocks);

  std::string class_name() const override { return shared_->decl.name; }
  std::string description() const override { return shared_->decl.description; }
  std::string model_name() const override { return shared_->decl.model_name; }
  std::vector<InputParam> loop_inputs() const override { return shared_->decl.inputs; }
  std::vector<InputParam> loop_intermediate_inputs() const override { return shared_->decl.intermediate_inputs; }
  std::vector<OutputParam> loop_intermediate_outputs() const override { return shared_->decl.outputs; }
  std::vector<ComponentSpec> loop_expected_components() const override { return shared_->decl.components; }
  std::vector<ConfigSpec> loop_expected_configs() const override { return shared_->decl.configs; }

  void operator()(Components& components, PipelineState& state) override;
  BlockPtr clone() const override { return BlockPtr(new PluginLoopBlocks(*this)); }
  BlockPtr reloaded(const BlockFactory& factory) const override;

 private:
  struct Shared {
    BlockDeclaration decl;
    std::vector<std::string> own_slots;  // the plugin's slot numbering
    std::string crash_text;              // what a crash report names (describe_call)
  };
  PluginLoopBlocks(const PluginLoopBlocks& other) = default;

  PluginBlockInstance instance_;
  std::shared_ptr<const Shared> shared_;
};

}  // namespace brick::host::detail
