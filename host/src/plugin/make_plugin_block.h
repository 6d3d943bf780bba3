// The host block for a block instance a plugin created: a PluginBlock for a
// leaf; for a composite, the host's composite of its kind, with each declared
// sub-block created by name ("plugin.Block" through the factory, a bare
// "Block" from the same plugin).
#pragma once

#include <memory>
#include <string>

#include "brick/brick_abi.h"
#include "brick/host/blocks/block_factory.h"
#include "brick/host/blocks/blocks.h"
#include "plugin_block_instance.h"

namespace brick::host {
class Plugin;
}

namespace brick::host::detail {

// A plugin composite made again through `factory` (its own instance from the
// factory's current generation) with `from`'s sub-blocks, reloaded: sub-block
// edits survive a reload. When the new build changed the block's kind (a
// composite became a leaf, or the reverse), the new block is taken as is.
BlockPtr reload_plugin_composite(const ModularPipelineBlocks& from, const PluginBlockInstance& instance,
                                 const BlockFactory& factory);

// Takes ownership of instance. Throws Error naming the block and the
// sub-block that could not be made.
BlockPtr make_plugin_block(std::shared_ptr<const Plugin> plugin, std::string qualified_name, brick_block* instance,
                           const BlockFactory* factory, const Value& config = {});

}  // namespace brick::host::detail
