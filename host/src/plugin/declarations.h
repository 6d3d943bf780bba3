// Reading what a plugin declares (brick_block_decl and its params) into host
// params, honouring struct_size and checking every field a plugin could get
// wrong. Errors name the block and the offending field.
#pragma once

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "brick/brick_abi.h"
#include "brick/brick_abi_layout.h"
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

  // ABI 1.2: BRICK_BLOCK_* flags.
  uint32_t flags = 0;
};

// `block` names the block in messages ("plugin.Block"). Throws Error.
BlockDeclaration read_declaration(const brick_block_decl* decl, const std::string& block);

// One published version of an ABI struct: the sizeof a plugin built for it
// writes into struct_size, and where its last field ends (they differ by the
// tail padding, which a plain C plugin may leave uninitialised).
struct StructVersion {
  size_t size;
  size_t end;
};

// The versions of T, oldest first (brick_abi_layout.h); one version unless
// specialised.
template <class T>
struct StructVersions {
  static constexpr StructVersion list[] = {{sizeof(T), sizeof(T)}};
};
template <>
struct StructVersions<brick_block_decl> {
  static constexpr StructVersion list[] = {{BRICK_BLOCK_DECL_SIZE_1_0, BRICK_BLOCK_DECL_END_1_0},
                                           {BRICK_BLOCK_DECL_SIZE_1_1, BRICK_BLOCK_DECL_END_1_1},
                                           {BRICK_BLOCK_DECL_SIZE_1_2, BRICK_BLOCK_DECL_END_1_2}};
};
template <>
struct StructVersions<brick_block> {
  static constexpr StructVersion list[] = {{BRICK_BLOCK_SIZE_1_0, BRICK_BLOCK_END_1_0},
                                           {BRICK_BLOCK_SIZE_1_1, BRICK_BLOCK_END_1_1}};
};
template <>
struct StructVersions<brick_plugin> {
  static constexpr StructVersion list[] = {{BRICK_PLUGIN_SIZE_1_0, BRICK_PLUGIN_END_1_0},
                                           {BRICK_PLUGIN_SIZE_1_1, BRICK_PLUGIN_END_1_1},
                                           {BRICK_PLUGIN_SIZE_1_3, BRICK_PLUGIN_END_1_3}};
};

// How many bytes of a struct with this struct_size a reader uses: the
// fields of the newest version whose sizeof fits (any smaller size reads as
// the oldest version), never its tail padding.
template <class T>
size_t readable_size(uint32_t struct_size) {
  const StructVersion* chosen = &StructVersions<T>::list[0];
  for (const StructVersion& v : StructVersions<T>::list) {
    if (v.size <= struct_size) chosen = &v;
  }
  return struct_size < chosen->end ? struct_size : chosen->end;
}

// A copy of a struct that crossed the ABI: the fields its version has, zero
// for the rest (a plugin built for an older minor version). The copy's
// struct_size is the number of bytes read.
template <class T>
T read_struct(const T* from) {
  T out{};
  size_t size = readable_size<T>(from->struct_size);
  std::memcpy(static_cast<void*>(&out), from, size);
  out.struct_size = static_cast<uint32_t>(size);
  return out;
}

}  // namespace brick::host::detail
