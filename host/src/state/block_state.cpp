#include "brick/host/block_state.h"

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

BlockState::BlockState(const std::vector<std::string>& slot_names) {
  slots_.reserve(slot_names.size());
  for (const std::string& name : slot_names) slots_.push_back(Attribute{name, Value(), false, 0});
}

BlockState::BlockState(const BlockState& other)
    : slots_(other.slots_), extra_(other.extra_), next_order_(other.next_order_) {}

BlockState& BlockState::operator=(const BlockState& other) {
  if (this != &other) {
    BlockState copy(other);
    *this = std::move(copy);
  }
  return *this;
}

BlockState::Attribute* BlockState::find(std::string_view name) {
  for (Attribute& a : slots_) {
    if (a.name == name) return &a;
  }
  for (Attribute& a : extra_) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

const Value* BlockState::get(std::string_view name) const {
  auto* a = const_cast<BlockState*>(this)->find(name);
  return a && a->present ? &a->value : nullptr;
}

Value BlockState::operator[](std::string_view name) const {
  const Value* v = get(name);
  return v ? *v : Value();
}

void BlockState::assign(Attribute& attribute, Value value, std::vector<Value>* replaced) {
  if (!attribute.present) {
    attribute.present = true;
    attribute.order = next_order_++;
  } else if (replaced) {
    replaced->push_back(std::move(attribute.value));
  }
  attribute.value = std::move(value);
}

void BlockState::set(std::string_view name, Value value, std::vector<Value>* replaced) {
  Attribute* a = find(name);
  if (!a) a = &extra_.emplace_back(Attribute{std::string(name), Value(), false, 0});
  assign(*a, std::move(value), replaced);
}

const Value* BlockState::slot(size_t index) const {
  if (index >= slots_.size() || !slots_[index].present) return nullptr;
  return &slots_[index].value;
}

void BlockState::set_slot(size_t index, Value value, std::vector<Value>* replaced) {
  assign(slots_.at(index), std::move(value), replaced);
}

std::vector<std::pair<std::string_view, const Value*>> BlockState::attributes() const {
  std::vector<std::pair<uint32_t, const Attribute*>> present;
  for (const Attribute& a : slots_) {
    if (a.present) present.emplace_back(a.order, &a);
  }
  for (const Attribute& a : extra_) {
    if (a.present) present.emplace_back(a.order, &a);
  }
  std::sort(present.begin(), present.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::pair<std::string_view, const Value*>> out;
  out.reserve(present.size());
  for (const auto& [order, a] : present) out.emplace_back(a->name, &a->value);
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
