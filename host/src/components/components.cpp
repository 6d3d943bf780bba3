#include "brick/host/components/components.h"

namespace brick::host {

namespace {
const Value* find_in(const Value::Dict& items, std::string_view name) {
  for (const auto& [key, value] : items) {
    if (key == name) return &value;
  }
  return nullptr;
}

void set_in(Value::Dict& items, std::string_view name, Value value) {
  for (auto& [key, existing] : items) {
    if (key == name) {
      existing = std::move(value);
      return;
    }
  }
  items.emplace_back(std::string(name), std::move(value));
}
}  // namespace

const Value* Components::get(std::string_view name) const { return find_in(components_, name); }
const Value* Components::use(std::string_view name) {
  const Value* found = find_in(components_, name);
  if (found && use_hook_ && !found->is_none()) use_hook_(*found);
  return found;
}

void Components::set(std::string_view name, Value component) { set_in(components_, name, std::move(component)); }
const Value* Components::config(std::string_view name) const { return find_in(configs_, name); }
void Components::set_config(std::string_view name, Value value) { set_in(configs_, name, std::move(value)); }

}  // namespace brick::host
