// Reading what a plugin declares (brick_block_decl and its params) into host
// params, honouring struct_size and checking every field a plugin could get
// wrong. Errors name the block and the offending field.
#pragma once

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "brick/brick_abi.h"
#include "brick/host/blocks/workflow.h"
#include "brick/host/params/params.h"

namespace brick::host::detail {

struct BlockDeclaration {
  std::string name;
  std::string description;
  std::string model_name;
  std::vector<InputParam> inputs;
  std::vector<InputParam> intermediate_inputs;
  std::vector<OutputParam> outputs;
  std::vector<ComponentSpec> components;
  std::vector<ConfigSpec> configs;

  // ABI 1.1: composites.
  struct SubBlock {
    std::string name;
    std::string block;  // "plugin.Block" or this plugin's "Block"
    Value config;       // a dict, or None
  };
  int32_t kind = BRICK_BLOCK_LEAF;
  std::vector<SubBlock> sub_blocks;
  std::vector<std::optional<std::string>> block_trigger_inputs;
  std::optional<std::string> default_block_name;
  std::optional<WorkflowMap> workflows;
  std::optional<std::vector<OutputParam>> outputs_override;
};

// `block` names the block in messages ("plugin.Block"). Throws Error.
BlockDeclaration read_declaration(const brick_block_decl* decl, const std::string& block);

// A copy of a struct that crossed the ABI: the fields inside its struct_size,
// zero for the rest (a plugin built for an older minor version).
template <class T>
T read_struct(const T* from) {
  T out{};
  size_t size = from->struct_size < sizeof(T) ? from->struct_size : sizeof(T);
  std::memcpy(static_cast<void*>(&out), from, size);
  out.struct_size = static_cast<uint32_t>(size);
  return out;
}

}  // namespace brick::host::detail
