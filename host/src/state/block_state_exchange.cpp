#include "brick/host/block_state_exchange.h"

#include <algorithm>

#include "brick/host/error.h"

namespace brick::host {

LeafInterface::LeafInterface(std::vector<InputParam> inputs_, std::vector<InputParam> intermediate_inputs_,
                             std::vector<OutputParam> outputs_)
    : inputs(std::move(inputs_)), intermediate_inputs(std::move(intermediate_inputs_)), outputs(std::move(outputs_)) {
  auto add = [this](const std::string& name) {
    if (std::find(slot_names.begin(), slot_names.end(), name) == slot_names.end()) slot_names.push_back(name);
  };
  for (const InputParam& p : inputs) {
    if (p.name) add(*p.name);
  }
  for (const InputParam& p : intermediate_inputs) {
    if (p.name) add(*p.name);
  }
  for (const OutputParam& o : outputs) add(o.name);
}

namespace {

// One input of get_block_state; `legacy_copy` hands over a deep copy (the
// legacy immutable inputs), `what` names the kind in the missing-value error.
void read_input(const InputParam& param, const PipelineState& state, BlockState& block_state, bool legacy_copy,
                const char* what) {
  if (param.name) {
    const std::string& name = *param.name;
    const Value* found = state.find(name);
    Value value = found ? *found : Value();
    if (value.is_none()) value = param.default_value;
    if (param.required && value.is_none()) {
      throw Error(BRICK_ERR_MISSING_INPUT, std::string("Required ") + what + " '" + name + "' is missing");
    }
    // A name declared twice: the first non-None value wins.
    const Value* existing = block_state.get(name);
    if (!existing || existing->is_none()) {
      block_state.set(name, legacy_copy && !value.is_none() ? value.deep_copy() : std::move(value));
    }
    return;
  }
  if (param.kwargs_type.empty()) return;
  // A nameless kwargs input: every value tagged kwargs_type, one by one and as
  // a dict under the kwargs_type's name.
  Value::Dict tagged;
  if (const Value* already = block_state.get(param.kwargs_type)) {
    if (already->kind() == Value::Kind::Dict) tagged = already->as_dict();
  } else {
    block_state.set(param.kwargs_type, Value::dict({}));  // keeps diffusers' attribute order
  }
  for (auto& [key, value] : state.get_by_kwargs(param.kwargs_type)) {
    if (value.is_none()) continue;
    block_state.set(key, value);
    auto slot = std::find_if(tagged.begin(), tagged.end(), [&](const auto& e) { return e.first == key; });
    if (slot == tagged.end()) {
      tagged.emplace_back(key, value);
    } else {
      slot->second = value;
    }
  }
  block_state.set(param.kwargs_type, Value::dict(std::move(tagged)));
}

// Writes back a named input whose value changed identity.
void write_back_input(const InputParam& param, PipelineState& state, const BlockState& block_state) {
  if (param.name) {
    const Value* value = block_state.get(*param.name);
    if (!value) return;
    const Value* current = state.find(*param.name);
    bool same = current ? current->is(*value) : value->is_none();
    if (!same) state.set(*param.name, *value, param.kwargs_type);
    return;
  }
  if (param.kwargs_type.empty()) return;
  for (const auto& [key, current] : state.get_by_kwargs(param.kwargs_type)) {
    const Value* value = block_state.get(key);
    if (value && !current.is(*value)) state.set(key, *value, param.kwargs_type);
  }
}

}  // namespace

BlockState get_block_state(const LeafInterface& leaf, const PipelineState& state) {
  BlockState block_state(leaf.slot_names);
  for (const InputParam& param : leaf.inputs) read_input(param, state, block_state, leaf.legacy(), "input");
  for (const InputParam& param : leaf.intermediate_inputs) {
    read_input(param, state, block_state, false, "intermediate input");
  }
  return block_state;
}

void set_block_state(const LeafInterface& leaf, PipelineState& state, const BlockState& block_state) {
  for (const OutputParam& output : leaf.outputs) {
    const Value* value = block_state.get(output.name);
    if (!value) {
      throw Error(BRICK_ERR_MISSING_OUTPUT, "Intermediate output '" + output.name + "' is missing in block state");
    }
    state.set(output.name, *value, output.kwargs_type);
  }
  // Legacy blocks write back only their intermediate inputs.
  const std::vector<InputParam>& mutable_inputs = leaf.legacy() ? leaf.intermediate_inputs : leaf.inputs;
  for (const InputParam& param : mutable_inputs) write_back_input(param, state, block_state);
}

}  // namespace brick::host
