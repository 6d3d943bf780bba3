#include "brick/host/state/block_state.h"

#include <algorithm>

#include "value/python_text.h"
#include "value/tensor_facts.h"

namespace brick::host {

namespace {

bool is_tensor_list(const Value& v) {
  return v.kind() == Value::Kind::List && !v.as_list().empty() && v.as_list().front().is_tensor();
}

// "list[2] of Tensors with shapes [torch.Size([1]), torch.Size([2])]"
std::string tensor_list_summary(const Value& v) {
  const Value::List& items = v.as_list();
  std::string shapes;
  for (const Value& item : items) {
    if (!shapes.empty()) shapes += ", ";
    shapes += item.is_tensor() ? detail::tensor_shape_repr(item.tensor_impl()) : item.repr();
  }
  return "list[" + std::to_string(items.size()) + "] of Tensors with shapes [" + shapes + "]";
}

// diffusers' BlockState.__repr__ format_value.
std::string format_block_value(const Value& v) {
  if (v.is_tensor()) return v.repr();
  if (is_tensor_list(v)) return tensor_list_summary(v);
  if (v.kind() == Value::Kind::Dict) {
    // Each entry becomes a string first, then the dict prints with Python's repr.
    std::string out = "{";
    bool first = true;
    for (const auto& [key, item] : v.as_dict()) {
      std::string text;
      if (item.is_tensor()) {
        text = "Tensor(shape=" + detail::tensor_shape_repr(item.tensor_impl()) +
               ", dtype=" + detail::tensor_dtype_repr(item.tensor_impl()) + ")";
      } else if (is_tensor_list(item)) {
        text = tensor_list_summary(item);
      } else {
        text = item.repr();
      }
      if (!first) out += ", ";
      first = false;
      out += detail::python_string_repr(key) + ": " + detail::python_string_repr(text);
    }
    return out + "}";
  }
  return v.repr();
}

}  // namespace

BlockState::BlockState(SlotNames slot_names)
    : slot_names_(std::move(slot_names)), slots_(slot_names_ ? slot_names_->size() : 0) {}

BlockState::BlockState(const std::vector<std::string>& slot_names)
    : BlockState(std::make_shared<const std::vector<std::string>>(slot_names)) {}

BlockState::Slot* BlockState::find(std::string_view name) {
  for (size_t i = 0; i < slots_.size(); ++i) {
    if ((*slot_names_)[i] == name) return &slots_[i];
  }
  for (Extra& e : extra_) {
    if (e.name == name) return &e.slot;
  }
  return nullptr;
}

const Value* BlockState::get(std::string_view name) const {
  const Slot* s = const_cast<BlockState*>(this)->find(name);
  return s && s->present ? &s->value : nullptr;
}

Value BlockState::operator[](std::string_view name) const {
  const Value* v = get(name);
  return v ? *v : Value();
}

void BlockState::assign(Slot& slot, Value value, std::vector<Value>* replaced) {
  if (!slot.present) {
    slot.present = true;
    slot.order = next_order_++;
  } else if (replaced) {
    replaced->push_back(std::move(slot.value));
  }
  slot.value = std::move(value);
}

void BlockState::set(std::string_view name, Value value, std::vector<Value>* replaced) {
  Slot* s = find(name);
  if (!s) s = &extra_.emplace_back(Extra{std::string(name), Slot{}}).slot;
  assign(*s, std::move(value), replaced);
}

const Value* BlockState::slot(size_t index) const {
  if (index >= slots_.size() || !slots_[index].present) return nullptr;
  return &slots_[index].value;
}

void BlockState::set_slot(size_t index, Value value, std::vector<Value>* replaced) {
  assign(slots_.at(index), std::move(value), replaced);
}

std::vector<std::pair<std::string_view, const Value*>> BlockState::attributes() const {
  std::vector<std::pair<uint32_t, std::pair<std::string_view, const Value*>>> present;
  for (size_t i = 0; i < slots_.size(); ++i) {
    if (slots_[i].present) present.push_back({slots_[i].order, {(*slot_names_)[i], &slots_[i].value}});
  }
  for (const Extra& e : extra_) {
    if (e.slot.present) present.push_back({e.slot.order, {e.name, &e.slot.value}});
  }
  std::sort(present.begin(), present.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::pair<std::string_view, const Value*>> out;
  out.reserve(present.size());
  for (const auto& entry : present) out.push_back(entry.second);
  return out;
}

std::string BlockState::repr() const {
  std::string lines;
  for (const auto& [name, value] : attributes()) {
    if (!lines.empty()) lines += "\n";
    lines += "    " + std::string(name) + ": " + format_block_value(*value);
  }
  return "BlockState(\n" + lines + "\n)";
}

}  // namespace brick::host
