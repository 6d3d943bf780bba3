#include "make_plugin_block.h"

#include "brick/host/base/error.h"
#include "brick/host/blocks/conditional_blocks.h"
#include "brick/host/plugin/plugin.h"
#include "declarations.h"
#include "plugin_block.h"
#include "plugin_block_instance.h"
#include "plugin_conditional_block.h"
#include "plugin_loop_block.h"

namespace brick::host::detail {

namespace {

// Composites nest composites; a block that contains itself would recurse
// without end.
constexpr int kMaxNesting = 64;
int& nesting() {
  static thread_local int depth = 0;
  return depth;
}

BlockPtr create_sub_block(const Plugin& plugin, const std::string& parent, const BlockDeclaration::SubBlock& sub,
                          const BlockFactory* factory) {
  if (sub.block.find('.') != std::string::npos) {
    if (!factory) {
      throw Error(BRICK_ERR_NOT_FOUND, "block '" + parent + "': sub-block '" + sub.name + "' names '" + sub.block +
                                           "' of another plugin, and no host was given to find it");
    }
    return factory->create_block(sub.block, sub.config);
  }
  const BlockClass* cls = plugin.find_block_class(sub.block);
  if (!cls) {
    throw Error(BRICK_ERR_NOT_FOUND, "block '" + parent + "': sub-block '" + sub.name + "' names '" + sub.block +
                                         "', which plugin '" + plugin.name() + "' does not export");
  }
  return cls->create(sub.config, factory);
}

}  // namespace

BlockPtr make_plugin_block(std::shared_ptr<const Plugin> plugin, std::string qualified_name, brick_block* raw,
                           const BlockFactory* factory, const Value& config) {
  PluginBlockInstance instance(plugin, qualified_name, raw);
  instance.set_config(config);
  BlockDeclaration d = read_declaration(instance.get()->decl, qualified_name);
  if (d.kind == BRICK_BLOCK_LEAF) return std::make_unique<PluginBlock>(std::move(instance), std::move(d));

  struct Depth {
    Depth() { ++nesting(); }
    ~Depth() { --nesting(); }
  } depth;
  if (nesting() > kMaxNesting) {
    throw Error(BRICK_ERR_INVALID_ARGUMENT, "block '" + qualified_name + "' nests more than " +
                                                std::to_string(kMaxNesting) + " levels deep (does it contain itself?)");
  }
  NamedBlocks sub_blocks;
  for (const auto& sub : d.sub_blocks) {
    sub_blocks.emplace_back(sub.name, create_sub_block(*plugin, qualified_name, sub, factory));
  }

  switch (d.kind) {
    case BRICK_BLOCK_SEQUENTIAL: {
      auto block = std::make_unique<SequentialPipelineBlocks>(std::move(sub_blocks), d.name);
      block->set_description(d.description);
      block->set_model_name(d.model_name);
      if (d.outputs_override) block->set_outputs(std::move(*d.outputs_override));
      if (d.workflows) block->set_workflow_map(std::move(*d.workflows));
      return block;
    }
    case BRICK_BLOCK_AUTO: {
      auto block = std::make_unique<AutoPipelineBlocks>(d.name, std::move(sub_blocks), d.block_trigger_inputs,
                                                        d.default_block_name);
      block->set_description(d.description);
      return block;
    }
    case BRICK_BLOCK_CONDITIONAL:
      return std::make_unique<PluginConditionalBlocks>(std::move(instance), d, std::move(sub_blocks));
    case BRICK_BLOCK_LOOP: {
      auto block = std::make_unique<PluginLoopBlocks>(std::move(instance), std::move(d), std::move(sub_blocks));
      block->check_leaf_sub_blocks();
      return block;
    }
    default:
      throw Error(BRICK_ERR_BAD_PLUGIN, "block '" + qualified_name + "' has an unknown kind");
  }
}

BlockPtr reload_plugin_composite(const ModularPipelineBlocks& from, const PluginBlockInstance& instance,
                                 const BlockFactory& factory) {
  BlockPtr fresh = factory.create_block(instance.qualified_name(), instance.config());
  if (fresh->sub_blocks().empty() != from.sub_blocks().empty()) return fresh;
  SubBlocks sub_blocks;
  for (const SubBlocks::Entry& entry : from.sub_blocks()) sub_blocks.set(entry.name, entry.block->reloaded(factory));
  fresh->sub_blocks() = std::move(sub_blocks);
  return fresh;
}

BlockPtr PluginLoopBlocks::reloaded(const BlockFactory& factory) const {
  return reload_plugin_composite(*this, instance_, factory);
}

BlockPtr PluginConditionalBlocks::reloaded(const BlockFactory& factory) const {
  return reload_plugin_composite(*this, instance_, factory);
}

BlockPtr PluginBlock::reloaded(const BlockFactory& factory) const {
  return factory.create_block(qualified_name(), instance_.config());
}

}  // namespace brick::host::detail
