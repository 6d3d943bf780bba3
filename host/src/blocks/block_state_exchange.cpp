#include "brick/host/blocks/block_state_exchange.h"

#include <algorithm>

#include "brick/host/base/error.h"

namespace brick::host {

LeafInterface::LeafInterface(std::vector<InputParam> inputs_, std::vector<InputParam> intermediate_inputs_,
                             std::vector<OutputParam> outputs_)
    : inputs(std::move(inputs_)), intermediate_inputs(std::move(intermediate_inputs_)), outputs(std::move(outputs_)) {
  auto names = std::make_shared<std::vector<std::string>>();
  auto slot_of = [&names](const std::string& name) {
    auto it = std::find(names->begin(), names->end(), name);
    if (it != names->end()) return static_cast<int>(it - names->begin());
    names->push_back(name);
    return static_cast<int>(names->size() - 1);
  };
  for (const InputParam& p : inputs) input_slots.push_back(p.name ? slot_of(*p.name) : -1);
  for (const InputParam& p : intermediate_inputs) intermediate_input_slots.push_back(p.name ? slot_of(*p.name) : -1);
  for (const OutputParam& o : outputs) output_slots.push_back(slot_of(o.name));
  slot_names = names;
  for (const std::string& name : *slot_names) slot_keys.emplace_back(name);
}

namespace {

// One input of get_block_state; `legacy_copy` hands over a deep copy (the
// legacy immutable inputs), `what` names the kind in the missing-value error.
void read_input(const LeafInterface& leaf, const InputParam& param, int slot, const PipelineState& state,
                BlockState& block_state, bool legacy_copy, const char* what) {
  if (param.name) {
    const Value* found = state.find(leaf.slot_keys[static_cast<size_t>(slot)]);
    Value value = found ? *found : Value();
    if (value.is_none()) value = param.default_value;
    if (param.required && value.is_none()) {
      throw Error(BRICK_ERR_MISSING_INPUT, std::string("Required ") + what + " '" + *param.name + "' is missing");
    }
    // A name declared twice: the first non-None value wins.
    const Value* existing = block_state.slot(static_cast<size_t>(slot));
    if (!existing || existing->is_none()) {
      block_state.set_slot(static_cast<size_t>(slot),
                           legacy_copy && !value.is_none() ? value.deep_copy() : std::move(value));
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
    auto entry = std::find_if(tagged.begin(), tagged.end(), [&](const auto& e) { return e.first == key; });
    if (entry == tagged.end()) {
      tagged.emplace_back(key, value);
    } else {
      entry->second = value;
    }
  }
  block_state.set(param.kwargs_type, Value::dict(std::move(tagged)));
}

// Writes back an input whose value changed identity.
void write_back_input(const LeafInterface& leaf, const InputParam& param, int slot, PipelineState& state,
                      const BlockState& block_state) {
  if (param.name) {
    const Value* value = block_state.slot(static_cast<size_t>(slot));
    if (!value) return;
    const PipelineState::Key& key = leaf.slot_keys[static_cast<size_t>(slot)];
    const Value* current = state.find(key);
    bool same = current ? current->is(*value) : value->is_none();
    if (!same) state.set(key, *value, param.kwargs_type);
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
  for (size_t i = 0; i < leaf.inputs.size(); ++i) {
    read_input(leaf, leaf.inputs[i], leaf.input_slots[i], state, block_state, leaf.legacy(), "input");
  }
  for (size_t i = 0; i < leaf.intermediate_inputs.size(); ++i) {
    read_input(leaf, leaf.intermediate_inputs[i], leaf.intermediate_input_slots[i], state, block_state, false,
               "intermediate input");
  }
  return block_state;
}

void set_block_state(const LeafInterface& leaf, PipelineState& state, const BlockState& block_state) {
  for (size_t i = 0; i < leaf.outputs.size(); ++i) {
    const OutputParam& output = leaf.outputs[i];
    size_t slot = static_cast<size_t>(leaf.output_slots[i]);
    const Value* value = block_state.slot(slot);
    if (!value) {
      throw Error(BRICK_ERR_MISSING_OUTPUT, "Intermediate output '" + output.name + "' is missing in block state");
    }
    state.set(leaf.slot_keys[slot], *value, output.kwargs_type);
  }
  // Legacy blocks write back only their intermediate inputs.
  if (leaf.legacy()) {
    for (size_t i = 0; i < leaf.intermediate_inputs.size(); ++i) {
      write_back_input(leaf, leaf.intermediate_inputs[i], leaf.intermediate_input_slots[i], state, block_state);
    }
  } else {
    for (size_t i = 0; i < leaf.inputs.size(); ++i) {
      write_back_input(leaf, leaf.inputs[i], leaf.input_slots[i], state, block_state);
    }
  }
}

}  // namespace brick::host
