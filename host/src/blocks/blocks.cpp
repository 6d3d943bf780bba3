#include "brick/host/blocks.h"

#include "brick/host/block_state_exchange.h"
#include "brick/host/doc_string.h"
#include "brick/host/modular_pipeline.h"

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
  return make_doc_string(inputs(), outputs(), description(), class_name(), expected_components(),
                         expected_configs());
}

ModularPipeline ModularPipelineBlocks::init_pipeline() const { return ModularPipeline(clone()); }

namespace {
// inputs() of a legacy block lists its intermediate inputs too; the exchange
// wants the two apart.
LeafInterface leaf_interface_of(const ModularPipelineBlocks& block) {
  std::vector<InputParam> intermediate = block.intermediate_inputs();
  std::vector<InputParam> plain;
  for (InputParam& p : block.inputs()) {
    bool is_intermediate = false;
    for (const InputParam& q : intermediate) is_intermediate = is_intermediate || (p.name && q.name == p.name);
    if (!is_intermediate) plain.push_back(std::move(p));
  }
  return LeafInterface(std::move(plain), std::move(intermediate), block.intermediate_outputs());
}
}  // namespace

BlockState ModularPipelineBlocks::get_block_state(const PipelineState& state) const {
  return host::get_block_state(leaf_interface_of(*this), state);
}

void ModularPipelineBlocks::set_block_state(PipelineState& state, const BlockState& block_state) const {
  host::set_block_state(leaf_interface_of(*this), state, block_state);
}

}  // namespace brick::host
