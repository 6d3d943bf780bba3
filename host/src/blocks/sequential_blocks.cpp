#include "brick/host/blocks/sequential_blocks.h"

#include <set>

#include "block_repr.h"
#include "brick/host/base/error.h"
#include "brick/host/base/log.h"
#include "brick/host/blocks/combine.h"
#include "brick/host/blocks/conditional_blocks.h"
#include "brick/host/blocks/loop_blocks.h"
#include "brick/host/blocks/run_context.h"
#include "brick/host/params/doc_string.h"

namespace brick::host {

SequentialPipelineBlocks::SequentialPipelineBlocks(NamedBlocks blocks, std::string class_name)
    : class_name_(std::move(class_name)) {
  for (auto& [name, block] : blocks) sub_blocks_.set(std::move(name), std::move(block));
}

std::string SequentialPipelineBlocks::model_name() const {
  if (!model_name_.empty()) return model_name_;
  for (const auto& e : sub_blocks_) {
    std::string name = e.block->model_name();
    if (!name.empty()) return name;
  }
  return {};
}

namespace {
// A conditional block without a default may be skipped: its outputs are not
// certain to exist.
bool may_be_skipped(const ModularPipelineBlocks& block) {
  const auto* conditional = dynamic_cast<const ConditionalPipelineBlocks*>(&block);
  return conditional && !conditional->default_block_name();
}
}  // namespace

std::vector<InputParam> SequentialPipelineBlocks::inputs() const {
  std::vector<InputParam> inputs;
  std::set<std::optional<std::string>> taken;  // nameless params dedupe as the name None
  std::set<std::string> produced;
  for (const auto& e : sub_blocks_) {
    for (InputParam& param : e.block->inputs()) {
      if (param.name && produced.count(*param.name)) continue;
      if (!taken.insert(param.name).second) continue;
      inputs.push_back(std::move(param));
    }
    if (!may_be_skipped(*e.block)) {
      for (const OutputParam& out : e.block->intermediate_outputs()) produced.insert(out.name);
    }
  }
  return inputs;
}

std::vector<std::string> SequentialPipelineBlocks::required_inputs() const {
  std::vector<std::string> names;
  for (const auto& e : sub_blocks_) {
    for (std::string& name : e.block->required_inputs()) {
      bool known = false;
      for (const std::string& n : names) known = known || n == name;
      if (!known) names.push_back(std::move(name));
    }
  }
  return names;
}

std::vector<OutputParam> SequentialPipelineBlocks::intermediate_outputs() const {
  NamedOutputs named;
  for (const auto& e : sub_blocks_) {
    // diffusers means to skip re-declared inputs here but compares the block
    // *name* with the input names; we keep that behaviour.
    std::vector<std::string> input_names = e.block->input_names();
    bool block_name_is_input = false;
    for (const std::string& n : input_names) block_name_is_input = block_name_is_input || n == e.name;
    if (!block_name_is_input) named.emplace_back(e.name, e.block->intermediate_outputs());
  }
  return combine_outputs(named);
}

std::vector<OutputParam> SequentialPipelineBlocks::outputs() const {
  return outputs_ ? *outputs_ : intermediate_outputs();
}

std::vector<ComponentSpec> SequentialPipelineBlocks::expected_components() const {
  return combine_components(sub_blocks_);
}
std::vector<ConfigSpec> SequentialPipelineBlocks::expected_configs() const { return combine_configs(sub_blocks_); }

namespace {
std::string with_workflows(const std::string& description, const std::optional<WorkflowMap>& workflows) {
  return workflows ? description + "\n\n" + format_workflow(*workflows) : description;
}
}  // namespace

std::string SequentialPipelineBlocks::doc() const {
  return make_doc_string(inputs(), outputs(), with_workflows(description(), workflows_), class_name(),
                         expected_components(), expected_configs());
}

std::string SequentialPipelineBlocks::repr() const {
  std::string header = detail::repr_header(*this, "SequentialPipelineBlocks", "ModularPipelineBlocks");
  std::vector<std::string> triggers = trigger_inputs_of(*this);
  if (!workflows_ && !triggers.empty()) {
    std::string banner = "  " + std::string(100, '=') + "\n";
    Value::List listed(triggers.begin(), triggers.end());
    header += "\n" + banner + "  This pipeline contains blocks that are selected at runtime based on inputs.\n";
    header += "  Trigger Inputs: " + Value::list(std::move(listed)).repr() + "\n";
    header += "  Use `get_execution_blocks()` to see selected blocks (e.g. `get_execution_blocks(" + triggers.front() +
              "=...)`).\n";
    header += banner + "\n";
  }
  std::string sub_blocks;
  size_t i = 0;
  for (const auto& e : sub_blocks_) {
    sub_blocks += detail::repr_sub_block("    [" + std::to_string(i++) + "] " + e.name, *e.block);
  }
  return detail::repr_assemble(header, with_workflows(description(), workflows_), *this, sub_blocks);
}

namespace {

void set_kwarg(Kwargs& kwargs, const std::string& name, Value value) {
  for (auto& [k, v] : kwargs) {
    if (k == name) {
      v = std::move(value);
      return;
    }
  }
  kwargs.emplace_back(name, std::move(value));
}

void put(NamedBlocks& into, std::string name, BlockPtr block) {
  for (auto& [n, b] : into) {
    if (n == name) {
      b = std::move(block);
      return;
    }
  }
  into.emplace_back(std::move(name), std::move(block));
}

// fn_recursive_traverse of diffusers' SequentialPipelineBlocks.get_execution_blocks.
void traverse(const ModularPipelineBlocks& block, const std::string& name, Kwargs& active, NamedBlocks& out) {
  const ModularPipelineBlocks* current = &block;
  BlockPtr resolved;
  if (const auto* conditional = dynamic_cast<const ConditionalPipelineBlocks*>(current)) {
    resolved = conditional->get_execution_blocks(active);
    if (!resolved) return;
    current = resolved.get();
  }
  if (!current->is_leaf() && !dynamic_cast<const LoopSequentialPipelineBlocks*>(current)) {
    for (const auto& e : current->sub_blocks()) {
      NamedBlocks nested;
      traverse(*e.block, e.name, active, nested);
      for (auto& [inner, b] : nested) put(out, name + "." + inner, std::move(b));
    }
    return;
  }
  for (const OutputParam& o : current->intermediate_outputs()) set_kwarg(active, o.name, Value(true));
  put(out, name, resolved ? std::move(resolved) : current->clone());
}

}  // namespace

BlockPtr SequentialPipelineBlocks::get_execution_blocks(const Kwargs& inputs) const {
  Kwargs active = inputs;
  NamedBlocks flat;
  for (const auto& e : sub_blocks_) traverse(*e.block, e.name, active, flat);
  return std::make_unique<SequentialPipelineBlocks>(std::move(flat));
}

std::vector<std::string> SequentialPipelineBlocks::available_workflows() const {
  if (!workflows_) {
    throw Error(BRICK_ERR_UNSUPPORTED,
                "workflows is not supported because _workflow_map is not set for " + class_name());
  }
  std::vector<std::string> names;
  for (const Workflow& w : *workflows_) names.push_back(w.name);
  return names;
}

BlockPtr SequentialPipelineBlocks::get_workflow(std::string_view workflow_name) const {
  std::vector<std::string> names = available_workflows();
  for (const Workflow& w : *workflows_) {
    if (w.name == workflow_name) return get_execution_blocks(w.alternatives.at(0));
  }
  Value::List listed(names.begin(), names.end());
  throw Error(BRICK_ERR_INVALID_ARGUMENT, "Workflow " + Value(workflow_name).repr() + " not found in " + class_name() +
                                              ". Available workflows: " + Value::list(std::move(listed)).repr());
}

void SequentialPipelineBlocks::operator()(Components& components, PipelineState& state) {
  for (const auto& e : sub_blocks_) {
    throw_if_cancelled();
    try {
      (*e.block)(components, state);
    } catch (const std::exception& error) {
      // diffusers logs this at error level and re-raises; brick's exception
      // already names the failing block, so the trail is debug output.
      log(LogLevel::Debug, "brick",
          "Error in block: (" + e.name + ", " + e.block->class_name() + ")\nError details: " + error.what());
      throw;
    }
  }
}

}  // namespace brick::host
