// BlockFactory: creates blocks by qualified name ("plugin.Block"). A Host is
// one; composite blocks from plugins and pipeline files use it to find the
// blocks they are made of, in whichever plugin those live.
#pragma once

#include <string_view>

#include "brick/host/blocks/sub_blocks.h"
#include "brick/host/value/value.h"

namespace brick::host {

class BlockFactory {
 public:
  virtual ~BlockFactory() = default;
  // config: constructor arguments (a dict) or None. Throws Error
  // (BRICK_ERR_NOT_FOUND naming what exists when there is no such block).
  virtual BlockPtr create_block(std::string_view qualified_name, const Value& config = {}) const = 0;
};

}  // namespace brick::host
