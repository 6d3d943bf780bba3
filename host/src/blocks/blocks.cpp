#include "brick/host/blocks/blocks.h"

#include "brick/host/base/error.h"
#include "brick/host/blocks/block_state_exchange.h"
#include "brick/host/params/doc_string.h"

namespace brick::host {

std::vector<std::string> ModularPipelineBlocks::required_inputs() const {
  std::vector<std::string> names;
  for (const InputParam& p : inputs()) {
    if (p.required) names.push_back(p.name.value_or("None"));
  }
  return names;
}

std::vector<std::string> ModularPipelineBlocks::input_names() const { return names_of(inputs()); }
std::vector<std::string> ModularPipelineBlocks::intermediate_output_names() const {
  return names_of(intermediate_outputs());
}
std::vector<std::string> ModularPipelineBlocks::output_names() const { return names_of(outputs()); }

std::vector<std::string> ModularPipelineBlocks::component_names() const {
  std::vector<std::string> names;
  for (const ComponentSpec& c : expected_components()) names.push_back(c.name);
  return names;
}

std::string ModularPipelineBlocks::doc() const {
  return make_doc_string(inputs(), outputs(), description(), class_name(), expected_components(), expected_configs());
}

std::string ModularPipelineBlocks::repr() const {
  // ConfigMixin's repr: the class name and the block's config as JSON (a
  // leaf block registers no config of its own).
  return class_name() + " {\n  \"_class_name\": \"" + class_name() + "\",\n  \"_diffusers_version\": \"" +
         kDiffusersVersion + "\"\n}\n";
}

BlockPtr ModularPipelineBlocks::get_execution_blocks(const Kwargs&) const {
  throw Error(BRICK_ERR_UNSUPPORTED, "`get_execution_blocks` is not implemented for " + class_name());
}

std::vector<std::string> ModularPipelineBlocks::available_workflows() const {
  throw Error(BRICK_ERR_UNSUPPORTED, "`available_workflows` is not implemented for " + class_name());
}

BlockPtr ModularPipelineBlocks::get_workflow(std::string_view) const {
  throw Error(BRICK_ERR_UNSUPPORTED, "`get_workflow` is not implemented for " + class_name());
}

void ModularPipelineBlocks::loop_call(Components&, BlockState&, const Value&) {
  throw Error(BRICK_ERR_UNSUPPORTED, "block '" + class_name() + "' cannot run inside a loop");
}

// inputs() of a legacy block lists its intermediate inputs too; the exchange
// wants the two apart.
LeafInterface ModularPipelineBlocks::leaf_interface() const {
  std::vector<InputParam> intermediate = intermediate_inputs();
  std::vector<InputParam> plain;
  for (InputParam& p : inputs()) {
    bool is_intermediate = false;
    for (const InputParam& q : intermediate) is_intermediate = is_intermediate || (p.name && q.name == p.name);
    if (!is_intermediate) plain.push_back(std::move(p));
  }
  return LeafInterface(std::move(plain), std::move(intermediate), intermediate_outputs());
}

BlockState ModularPipelineBlocks::get_block_state(const PipelineState& state) const {
  return host::get_block_state(leaf_interface(), state);
}

void ModularPipelineBlocks::set_block_state(PipelineState& state, const BlockState& block_state) const {
  host::set_block_state(leaf_interface(), state, block_state);
}

BlockPtr ModularPipelineBlocks::reloaded(const BlockFactory& factory) const {
  BlockPtr copy = clone();
  for (const SubBlocks::Entry& entry : sub_blocks_) copy->sub_blocks().set(entry.name, entry.block->reloaded(factory));
  return copy;
}

}  // namespace brick::host
