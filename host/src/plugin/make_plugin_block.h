// The host block for a block instance a plugin created: a PluginBlock for a
// leaf; for a composite, the host's composite of its kind, with each declared
// sub-block created by name ("plugin.Block" through the factory, a bare
// "Block" from the same plugin).
#pragma once

#include <memory>
#include <string>

#include "brick/brick_abi.h"
#include "brick/host/blocks/block_factory.h"

namespace brick::host {
class Plugin;
}

namespace brick::host::detail {

// Takes ownership of instance. Throws Error naming the block and the
// sub-block that could not be made.
BlockPtr make_plugin_block(std::shared_ptr<const Plugin> plugin, std::string qualified_name, brick_block* instance,
                           const BlockFactory* factory);

}  // namespace brick::host::detail
