#include "brick/host/blocks/loop_blocks.h"

#include <set>

#include "block_repr.h"
#include "brick/host/base/error.h"
#include "brick/host/base/log.h"
#include "brick/host/blocks/combine.h"
#include "brick/host/blocks/run_context.h"

namespace brick::host {

LoopSequentialPipelineBlocks::LoopSequentialPipelineBlocks(NamedBlocks blocks) {
  // class_name() is not callable yet (a subclass provides it), so the leaf
  // rule is checked by check_leaf_sub_blocks, which loop_step and the
  // factories call.
  for (auto& [name, block] : blocks) sub_blocks_.set(std::move(name), std::move(block));
}

void LoopSequentialPipelineBlocks::check_leaf_sub_blocks() const {
  for (const auto& e : sub_blocks_) {
    if (!e.block->is_leaf()) {
      throw Error(BRICK_ERR_INVALID_ARGUMENT, "In " + class_name() +
                                                  ", sub_blocks must be leaf blocks (no sub_blocks). Block '" + e.name +
                                                  "' (" + e.block->class_name() + ") has sub_blocks.");
    }
  }
}

std::vector<std::string> LoopSequentialPipelineBlocks::loop_required_inputs() const {
  std::vector<std::string> names;
  for (const InputParam& p : loop_inputs()) {
    if (p.required) names.push_back(p.name.value_or("None"));
  }
  return names;
}

std::vector<std::string> LoopSequentialPipelineBlocks::required_inputs() const {
  std::vector<std::string> names;
  auto add = [&names](std::vector<std::string> more) {
    for (std::string& name : more) {
      bool known = false;
      for (const std::string& n : names) known = known || n == name;
      if (!known) names.push_back(std::move(name));
    }
  };
  for (const auto& e : sub_blocks_) add(e.block->required_inputs());
  add(loop_required_inputs());
  return names;
}

std::vector<InputParam> LoopSequentialPipelineBlocks::inputs() const {
  std::vector<InputParam> inputs = loop_inputs();
  for (InputParam& p : loop_intermediate_inputs()) inputs.push_back(std::move(p));
  std::set<std::string> produced;
  for (const auto& e : sub_blocks_) {
    for (InputParam& param : e.block->inputs()) {
      if (param.name && produced.count(*param.name)) continue;
      bool listed = false;
      for (const InputParam& q : inputs) listed = listed || q == param;
      if (!listed) inputs.push_back(std::move(param));
    }
    for (const OutputParam& out : e.block->intermediate_outputs()) produced.insert(out.name);
  }
  std::vector<std::string> required = required_inputs();
  for (InputParam& param : inputs) {
    bool is_required = false;
    for (const std::string& name : required) is_required = is_required || (param.name && *param.name == name);
    param.required = is_required;
  }
  return inputs;
}

std::vector<OutputParam> LoopSequentialPipelineBlocks::intermediate_outputs() const {
  NamedOutputs named;
  for (const auto& e : sub_blocks_) named.emplace_back(e.name, e.block->intermediate_outputs());
  std::vector<OutputParam> combined = combine_outputs(named);
  for (OutputParam& out : loop_intermediate_outputs()) {
    bool known = false;
    for (const OutputParam& c : combined) known = known || c.name == out.name;
    if (!known) combined.push_back(std::move(out));
  }
  return combined;
}

std::vector<OutputParam> LoopSequentialPipelineBlocks::outputs() const {
  return sub_blocks_.empty() ? std::vector<OutputParam>{} : sub_blocks_.back().block->intermediate_outputs();
}

std::vector<ComponentSpec> LoopSequentialPipelineBlocks::expected_components() const {
  std::vector<ComponentSpec> specs = combine_components(sub_blocks_);
  append_unique(specs, loop_expected_components());
  return specs;
}

std::vector<ConfigSpec> LoopSequentialPipelineBlocks::expected_configs() const {
  std::vector<ConfigSpec> specs = combine_configs(sub_blocks_);
  append_unique(specs, loop_expected_configs());
  return specs;
}

std::string LoopSequentialPipelineBlocks::repr() const {
  std::string header = detail::repr_header(*this, "LoopSequentialPipelineBlocks", "ModularPipelineBlocks");
  std::string sub_blocks;
  size_t i = 0;
  for (const auto& e : sub_blocks_) {
    sub_blocks += detail::repr_sub_block("    [" + std::to_string(i++) + "] " + e.name, *e.block);
  }
  return detail::repr_assemble(header, description(), *this, sub_blocks);
}

void LoopSequentialPipelineBlocks::loop_step(Components& components, BlockState& block_state, const Value& args) {
  throw_if_cancelled();
  for (const auto& e : sub_blocks_) {
    try {
      e.block->loop_call(components, block_state, args);
    } catch (const std::exception& error) {
      log(LogLevel::Debug, "brick",
          "Error in block: (" + e.name + ", " + e.block->class_name() + ")\nError details: " + error.what());
      throw;
    }
  }
  notify_step_end(*this, args, components, block_state);
}

}  // namespace brick::host
