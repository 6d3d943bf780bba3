// PluginConditionalBlocks: a conditional block from a plugin
// (BRICK_BLOCK_CONDITIONAL) whose select_block runs in the plugin; the
// branches (from any plugin) and the merged interface live on the host.
#pragma once

#include <optional>
#include <string>

#include "brick/host/blocks/conditional_blocks.h"
#include "declarations.h"
#include "plugin_block_instance.h"

namespace brick::host::detail {

class PluginConditionalBlocks final : public ConditionalPipelineBlocks {
 public:
  // Throws Error(BRICK_ERR_BAD_PLUGIN) when the instance has no select_block.
  PluginConditionalBlocks(PluginBlockInstance instance, const BlockDeclaration& declaration, NamedBlocks sub_blocks);

  std::optional<std::string> select_block(const Kwargs& triggers) const override;
  BlockPtr clone() const override { return BlockPtr(new PluginConditionalBlocks(*this)); }
  BlockPtr reloaded(const BlockFactory& factory) const override;

 private:
  PluginConditionalBlocks(const PluginConditionalBlocks& other) = default;

  PluginBlockInstance instance_;
};

}  // namespace brick::host::detail
