#include "brick/host/state/pipeline_state.h"

#include <algorithm>

namespace brick::host {

namespace {
// repr() of a state value, as diffusers' PipelineState.__repr__ formats it: a
// list whose first item is a tensor shows only that one, then ", ...".
std::string format_state_value(const Value& v) {
  if (v.kind() == Value::Kind::List && !v.as_list().empty() && v.as_list().front().is_tensor()) {
    std::string out = "[";
    out += v.as_list().front().repr();
    out += ", ...]";
    return out;
  }
  return v.repr();
}
}  // namespace

void PipelineState::set(std::string_view key, Value value, std::string_view kwargs_type) {
  set(Key(key), std::move(value), kwargs_type);
}

void PipelineState::set(const Key& key, Value value, std::string_view kwargs_type) {
  auto it = index_.find(key);
  if (it != index_.end()) {
    values_[it->second].second = std::move(value);
  } else {
    index_.emplace(std::string(key.name), values_.size());
    values_.emplace_back(std::string(key.name), std::move(value));
  }
  if (!kwargs_type.empty()) {
    auto mapping = std::find_if(kwargs_mapping_.begin(), kwargs_mapping_.end(),
                                [&](const auto& entry) { return entry.first == kwargs_type; });
    if (mapping == kwargs_mapping_.end()) {
      kwargs_mapping_.emplace_back(std::string(kwargs_type), std::vector<std::string>{std::string(key.name)});
    } else {
      mapping->second.emplace_back(key.name);
    }
  }
}

const Value* PipelineState::find(const Key& key) const {
  auto it = index_.find(key);
  return it == index_.end() ? nullptr : &values_[it->second].second;
}

Value PipelineState::get(std::string_view key, const Value& default_value) const {
  const Value* v = find(key);
  return v ? *v : default_value;
}

Value::Dict PipelineState::get(const std::vector<std::string>& keys, const Value& default_value) const {
  Value::Dict out;
  for (const std::string& key : keys) {
    // {key: ...} for key in keys: a repeated key keeps its first position.
    auto seen = std::find_if(out.begin(), out.end(), [&](const auto& entry) { return entry.first == key; });
    if (seen == out.end()) out.emplace_back(key, get(key, default_value));
  }
  return out;
}

Value::Dict PipelineState::get_by_kwargs(std::string_view kwargs_type) const {
  for (const auto& [tag, keys] : kwargs_mapping_) {
    if (tag == kwargs_type) return get(keys);
  }
  return {};
}

PipelineState PipelineState::deep_copy() const {
  PipelineState copy = *this;
  for (auto& entry : copy.values_) entry.second = entry.second.deep_copy();
  return copy;
}

std::string PipelineState::repr() const {
  std::string values_text;
  for (const auto& [key, value] : values_) {
    if (!values_text.empty()) values_text += "\n";
    values_text += "    " + key + ": " + format_state_value(value);
  }
  std::string mapping_text;
  for (const auto& [tag, keys] : kwargs_mapping_) {
    if (!mapping_text.empty()) mapping_text += "\n";
    Value::List names(keys.begin(), keys.end());
    mapping_text += "    " + tag + ": " + Value::list(std::move(names)).repr();
  }
  return "PipelineState(\n  values={\n" + values_text + "\n  },\n  kwargs_mapping={\n" + mapping_text + "\n  }\n)";
}

}  // namespace brick::host
