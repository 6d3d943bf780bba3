#include "component_swap.h"

#include <algorithm>

#include "brick/host/error.h"
#include "brick/host/object.h"

namespace brick::cli {

namespace {

std::string resolve_type(const host::ComponentTypes& types, const std::string& component, const std::string& wanted) {
  if (types.find(wanted)) return wanted;
  std::vector<std::string> matches;
  std::string known;
  for (const std::string& type : types.names()) {
    size_t dot = type.rfind('.');
    if (dot != std::string::npos && type.compare(dot + 1, std::string::npos, wanted) == 0) matches.push_back(type);
    known += known.empty() ? type : ", " + type;
  }
  if (matches.size() == 1) return matches.front();
  std::string message = "component '";
  message += component + "': ";
  if (matches.empty()) {
    message += "no component type '" + wanted + "' (known: " + (known.empty() ? "none" : known) + ")";
  } else {
    message += "'" + wanted + "' is ambiguous: " + matches.front();
    for (size_t i = 1; i < matches.size(); ++i) message += ", " + matches[i];
  }
  throw host::Error(BRICK_ERR_NOT_FOUND, message);
}

}  // namespace

bool swap_component(host::ModularPipeline& pipe, const host::ComponentTypes& types, const std::string& name,
                    const host::Value& value) {
  std::vector<std::string> names = pipe.component_names();
  if (std::find(names.begin(), names.end(), name) == names.end()) return false;
  if (value.kind() != host::Value::Kind::String) {
    std::string message = "component '";
    message += name + "' is set by a component type name (e.g. " + name + "=DDIMScheduler), got " + value.kind_name();
    throw host::Error(BRICK_ERR_INVALID_ARGUMENT, message);
  }
  host::ComponentSpec spec = pipe.get_component_spec(name);
  spec.type_hint = resolve_type(types, name, value.as_string());
  host::Value current = pipe.component(name);
  host::Value config = current.kind() == host::Value::Kind::Object ? current.as_object()->config() : spec.config;
  std::shared_ptr<host::Object> object = types.create(spec, config);
  object->to(pipe.components().device());
  pipe.update_components({{name, host::Value(std::move(object))}});
  return true;
}

}  // namespace brick::cli
