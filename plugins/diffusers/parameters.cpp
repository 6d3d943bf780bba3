#include "parameters.h"

#include <ATen/TensorOperators.h>
#include <ATen/ops/ones.h>
#include <ATen/ops/rand.h>
#include <ATen/ops/zeros.h>

#include <cmath>
#include <map>

#include "kwargs.h"

namespace diffusers {

namespace {

// "a, b, c" with at most `limit` names, then how many more.
std::string name_list(const std::vector<std::string>& names, size_t limit = 12) {
  std::string text;
  for (size_t i = 0; i < names.size() && i < limit; ++i) {
    if (i) text += ", ";
    text += names[i];
  }
  if (names.size() > limit) text += concat(" and ", std::to_string(names.size() - limit), " more");
  return text;
}

bool ends_with(const std::string& s, const char* suffix) {
  const std::string tail = suffix;
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

void Parameters::load(brick::ValueRef state_dict, const std::string& model) {
  if (state_dict.kind() != BRICK_VALUE_DICT) {
    throw invalid(concat(model, ".load_state_dict needs a dict of tensors, got ", state_dict.kind_name()));
  }
  std::map<std::string, brick::ValueRef> given;
  for (size_t i = 0; i < state_dict.size(); ++i) given.emplace(state_dict.key_at(i), state_dict.value_at(i));
  std::vector<std::string> missing, unexpected, wrong;
  for (Slot& slot : slots_) {
    auto it = given.find(slot.name);
    if (it == given.end()) {
      missing.push_back(slot.name);
      continue;
    }
    if (!it->second.is_tensor()) {
      wrong.push_back(concat(slot.name, " is a ", it->second.kind_name(), ", not a tensor"));
    } else {
      at::Tensor t = it->second.as<at::Tensor>();
      if (t.sizes() != at::IntArrayRef(slot.shape)) {
        wrong.push_back(
            concat(slot.name, " has shape ", shape_text(t.sizes()), ", the config wants ", shape_text(slot.shape)));
      } else if (!at::isFloatingType(t.scalar_type())) {
        wrong.push_back(concat(slot.name, " is ", c10::toString(t.scalar_type()), ", not floating point"));
      } else {
        *slot.tensor = t;
      }
    }
    given.erase(it);
  }
  for (const auto& item : given) unexpected.push_back(item.first);
  if (!missing.empty() || !unexpected.empty() || !wrong.empty()) {
    std::string message = concat("Error(s) in loading state_dict for ", model, ":");
    if (!missing.empty())
      message += concat(" missing keys (", std::to_string(missing.size()), "): ", name_list(missing), ";");
    if (!unexpected.empty())
      message += concat(" unexpected keys (", std::to_string(unexpected.size()), "): ", name_list(unexpected), ";");
    if (!wrong.empty()) message += concat(" size mismatch: ", name_list(wrong), ";");
    message.pop_back();
    throw invalid(message);
  }
  if (slots_.empty()) return;
  // One dtype and one device for the whole model: the first parameter's.
  const at::ScalarType dtype = slots_.front().tensor->scalar_type();
  const at::Device device = slots_.front().tensor->device();
  for (Slot& slot : slots_) {
    if (slot.tensor->scalar_type() != dtype || slot.tensor->device() != device)
      *slot.tensor = slot.tensor->to(device, dtype);
  }
}

void Parameters::randomise() {
  for (Slot& slot : slots_) {
    const std::string& n = slot.name;
    const bool norm = n.find("norm") != std::string::npos;
    if (norm && ends_with(n, ".weight")) {
      *slot.tensor = at::ones(slot.shape);
    } else if (norm || slot.shape.size() == 1) {
      // Biases 0 (torch draws layer biases like the weights; for a model made
      // from a config, to be trained or timed, 0 does as well).
      *slot.tensor = at::zeros(slot.shape);
    } else {
      int64_t fan_in = 1;
      for (size_t i = 1; i < slot.shape.size(); ++i) fan_in *= slot.shape[i];
      const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
      *slot.tensor = (at::rand(slot.shape) * 2.0 - 1.0) * bound;
    }
  }
}

void Parameters::to(const at::Device& device, at::ScalarType dtype) {
  for (Slot& slot : slots_) *slot.tensor = slot.tensor->to(device, dtype);
}

brick::Value Parameters::state_dict() const {
  brick::Value out = brick::Value::dict();
  for (const Slot& slot : slots_) out.set(slot.name.c_str(), *slot.tensor);
  return out;
}

int64_t Parameters::bytes() const {
  int64_t total = 0;
  for (const Slot& slot : slots_) total += static_cast<int64_t>(slot.tensor->nbytes());
  return total;
}

}  // namespace diffusers
