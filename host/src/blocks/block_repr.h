// The repr layout diffusers' composite blocks share: a header naming the
// class and its Python base class, an optional trigger banner, the
// description, components, configs and one entry per sub-block.
#pragma once

#include <string>

#include "brick/host/blocks/blocks.h"

namespace brick::host::detail {

// "{Class}(\n  Class: {Base}\n". Python prints the first base class: the
// block type itself for a named subclass, its parent for a plain instance.
std::string repr_header(const ModularPipelineBlocks& block, const char* type_name, const char* parent_name);

// One sub-block entry: the label line ("    [0] name (Class)" or
// "    • name [default] (Class)") then its description's first line, further
// lines indented, and a blank line.
std::string repr_sub_block(const std::string& label, const ModularPipelineBlocks& block);

// header + description + components + configs + sub-blocks + ")".
std::string repr_assemble(const std::string& header, const std::string& description, const ModularPipelineBlocks& block,
                          const std::string& sub_blocks);

}  // namespace brick::host::detail
