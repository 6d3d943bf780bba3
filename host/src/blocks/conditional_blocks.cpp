#include "brick/host/blocks/conditional_blocks.h"

#include <set>

#include "block_repr.h"
#include "brick/host/base/error.h"
#include "brick/host/base/log.h"
#include "brick/host/blocks/combine.h"
#include "brick/host/blocks/loop_blocks.h"

namespace brick::host {

namespace {
std::string names_repr(const std::vector<std::string>& names) {
  Value::List listed(names.begin(), names.end());
  return Value::list(std::move(listed)).repr();
}
}  // namespace

ConditionalPipelineBlocks::ConditionalPipelineBlocks(std::string class_name, NamedBlocks blocks,
                                                     std::vector<std::optional<std::string>> block_trigger_inputs,
                                                     std::optional<std::string> default_block_name)
    : class_name_(std::move(class_name)),
      block_trigger_inputs_(std::move(block_trigger_inputs)),
      default_block_name_(std::move(default_block_name)) {
  for (auto& [name, block] : blocks) {
    block_names_.push_back(name);
    sub_blocks_.set(std::move(name), std::move(block));
  }
  if (default_block_name_ && !sub_blocks_.contains(*default_block_name_)) {
    throw Error(BRICK_ERR_INVALID_ARGUMENT, "In " + class_name_ + ", default_block_name '" + *default_block_name_ +
                                                "' must be one of block_names: " + names_repr(block_names_));
  }
}

std::string ConditionalPipelineBlocks::model_name() const {
  return sub_blocks_.empty() ? std::string() : sub_blocks_.front().block->model_name();
}

std::vector<std::string> ConditionalPipelineBlocks::required_inputs() const {
  // With no default branch the block may be skipped: nothing is required.
  if (!default_block_name_ || sub_blocks_.empty()) return {};
  std::vector<std::string> required = sub_blocks_.front().block->required_inputs();
  for (const auto& e : sub_blocks_) {
    std::vector<std::string> theirs = e.block->required_inputs();
    std::vector<std::string> kept;
    for (const std::string& name : required) {
      bool shared = false;
      for (const std::string& t : theirs) shared = shared || t == name;
      if (shared) kept.push_back(name);
    }
    required = std::move(kept);
  }
  return required;
}

std::vector<InputParam> ConditionalPipelineBlocks::inputs() const {
  NamedInputs named;
  for (const auto& e : sub_blocks_) named.emplace_back(e.name, e.block->inputs());
  std::vector<InputParam> combined = combine_inputs(named);
  std::vector<std::string> required = required_inputs();
  for (InputParam& param : combined) {
    bool is_required = false;
    for (const std::string& name : required) is_required = is_required || (param.name && *param.name == name);
    param.required = is_required;
  }
  return combined;
}

std::vector<OutputParam> ConditionalPipelineBlocks::intermediate_outputs() const {
  NamedOutputs named;
  for (const auto& e : sub_blocks_) named.emplace_back(e.name, e.block->intermediate_outputs());
  return combine_outputs(named);
}

std::vector<OutputParam> ConditionalPipelineBlocks::outputs() const {
  NamedOutputs named;
  for (const auto& e : sub_blocks_) named.emplace_back(e.name, e.block->outputs());
  return combine_outputs(named);
}

std::vector<ComponentSpec> ConditionalPipelineBlocks::expected_components() const {
  return combine_components(sub_blocks_);
}
std::vector<ConfigSpec> ConditionalPipelineBlocks::expected_configs() const { return combine_configs(sub_blocks_); }

std::optional<std::string> ConditionalPipelineBlocks::select_block(const Kwargs&) const {
  throw Error(BRICK_ERR_UNSUPPORTED, "Subclass " + class_name_ + " must implement the `select_block` method.");
}

std::optional<std::string> ConditionalPipelineBlocks::choose(const Kwargs& inputs) const {
  Kwargs triggers;
  for (const auto& trigger : block_trigger_inputs_) {
    if (!trigger) continue;
    bool seen = false;
    for (const auto& [k, v] : triggers) seen = seen || k == *trigger;
    if (seen) continue;
    const Value* found = nullptr;
    for (const auto& [k, v] : inputs) {
      if (k == *trigger) found = &v;
    }
    triggers.emplace_back(*trigger, found ? *found : Value());
  }
  std::optional<std::string> name = select_block(triggers);
  if (!name) name = default_block_name_;
  if (name && !sub_blocks_.contains(*name)) {
    throw Error(BRICK_ERR_NOT_FOUND, "In " + class_name_ + ", select_block chose '" + *name +
                                         "', which is not one of its sub-blocks: " + names_repr(sub_blocks_.names()));
  }
  return name;
}

BlockPtr ConditionalPipelineBlocks::get_execution_blocks(const Kwargs& inputs) const {
  std::optional<std::string> name = choose(inputs);
  if (!name) return nullptr;
  const ModularPipelineBlocks& block = sub_blocks_.at(*name);
  if (!block.is_leaf() && !dynamic_cast<const LoopSequentialPipelineBlocks*>(&block)) {
    return block.get_execution_blocks(inputs);
  }
  return block.clone();
}

void ConditionalPipelineBlocks::operator()(Components& components, PipelineState& state) {
  Kwargs triggers;
  for (const auto& trigger : block_trigger_inputs_) {
    if (trigger) triggers.emplace_back(*trigger, state.get(*trigger));
  }
  std::optional<std::string> name = choose(triggers);
  if (!name) {
    log(LogLevel::Info, "brick", "skipping conditional block: " + class_name_);
    return;
  }
  ModularPipelineBlocks& block = sub_blocks_.at(*name);
  log(LogLevel::Debug, "brick", "Running block: " + block.class_name());
  try {
    block(components, state);
  } catch (const std::exception& error) {
    log(LogLevel::Debug, "brick", "Error in block: " + block.class_name() + "\nError details: " + error.what());
    throw;
  }
}

std::string ConditionalPipelineBlocks::repr() const {
  bool is_auto = dynamic_cast<const AutoPipelineBlocks*>(this) != nullptr;
  std::string header = detail::repr_header(*this, is_auto ? "AutoPipelineBlocks" : "ConditionalPipelineBlocks",
                                           is_auto ? "ConditionalPipelineBlocks" : "ModularPipelineBlocks");
  std::vector<std::string> triggers = trigger_inputs_of(*this);
  if (!triggers.empty()) {
    std::string banner = "  " + std::string(100, '=') + "\n";
    header += "\n" + banner + "  This pipeline contains blocks that are selected at runtime based on inputs.\n";
    header += "  Trigger Inputs: " + names_repr(triggers) + "\n" + banner + "\n";
  }
  std::string sub_blocks;
  for (const auto& e : sub_blocks_) {
    bool is_default = default_block_name_ && *default_block_name_ == e.name;
    sub_blocks += detail::repr_sub_block("    \u2022 " + e.name + (is_default ? " [default]" : ""), *e.block);
  }
  return detail::repr_assemble(header, description(), *this, sub_blocks);
}

AutoPipelineBlocks::AutoPipelineBlocks(std::string class_name, NamedBlocks blocks,
                                       std::vector<std::optional<std::string>> block_trigger_inputs,
                                       std::optional<std::string> default_block_name)
    : ConditionalPipelineBlocks(class_name, {}, {}) {
  if (default_block_name) {
    throw Error(BRICK_ERR_INVALID_ARGUMENT,
                "In " + class_name +
                    ", do not set `default_block_name` for AutoPipelineBlocks. Use `None` in "
                    "`block_trigger_inputs` to specify the default block.");
  }
  if (blocks.size() != block_trigger_inputs.size()) {
    throw Error(BRICK_ERR_INVALID_ARGUMENT, "In " + class_name +
                                                ", the number of block_classes, block_names, and "
                                                "block_trigger_inputs must be the same.");
  }
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (!block_trigger_inputs[i] && !default_block_name_) default_block_name_ = blocks[i].first;
    block_names_.push_back(blocks[i].first);
    sub_blocks_.set(std::move(blocks[i].first), std::move(blocks[i].second));
  }
  block_trigger_inputs_ = std::move(block_trigger_inputs);
}

std::optional<std::string> AutoPipelineBlocks::select_block(const Kwargs& triggers) const {
  for (size_t i = 0; i < block_trigger_inputs_.size() && i < block_names_.size(); ++i) {
    const auto& trigger = block_trigger_inputs_[i];
    if (!trigger) continue;
    for (const auto& [k, v] : triggers) {
      if (k == *trigger && !v.is_none()) return block_names_[i];
    }
  }
  return std::nullopt;
}

std::vector<std::string> trigger_inputs_of(const ModularPipelineBlocks& block) {
  std::set<std::string> found;
  auto add_own = [&found](const ModularPipelineBlocks& b) {
    if (const auto* conditional = dynamic_cast<const ConditionalPipelineBlocks*>(&b)) {
      for (const auto& t : conditional->block_trigger_inputs()) {
        if (t) found.insert(*t);
      }
    }
  };
  auto walk = [&](const ModularPipelineBlocks& b, auto& self) -> void {
    for (const auto& e : b.sub_blocks()) {
      add_own(*e.block);
      self(*e.block, self);
    }
  };
  add_own(block);
  walk(block, walk);
  return {found.begin(), found.end()};
}

}  // namespace brick::host
