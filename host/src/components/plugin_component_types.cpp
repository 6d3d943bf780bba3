// The component types a plugin exports (ABI 1.1): read and checked at load
// time, registered into a pipeline's ComponentTypes on demand.
#include <cstddef>
#include <set>

#include "brick/host/error.h"
#include "brick/host/plugin.h"
#include "../plugin/declarations.h"
#include "plugin_component.h"

namespace brick::host {

void Plugin::read_component_classes(const brick_plugin& d) {
  auto refuse = [&](const std::string& why) {
    throw PluginLoadError(BRICK_ERR_BAD_PLUGIN, path_.string(),
                          "cannot load plugin " + path_.string() + ": plugin '" + name_ + "': " + why);
  };
  if (d.struct_size < offsetof(brick_plugin, component_classes) + sizeof(void*)) return;  // a 1.0 descriptor
  if (d.num_component_classes && !d.component_classes) refuse("it lists component classes but gives no array");
  std::set<std::string> seen;
  for (uint32_t i = 0; i < d.num_component_classes; ++i) {
    const brick_component_class* cls = d.component_classes[i];
    if (!cls || cls->struct_size < offsetof(brick_component_class, create) + sizeof(void*) || !cls->create) {
      refuse("component class " + std::to_string(i) + " is incomplete");
    }
    if (!detail::is_identifier(cls->name)) {
      refuse("component class " + std::to_string(i) + " has an invalid name '" + (cls->name ? cls->name : "") + "'");
    }
    if (!seen.insert(cls->name).second) refuse("it exports component type '" + std::string(cls->name) + "' twice");
    component_classes_.push_back(cls);
  }
}

std::vector<std::string> Plugin::component_class_names() const {
  std::vector<std::string> out;
  for (const brick_component_class* cls : component_classes_) out.emplace_back(cls->name);
  return out;
}

std::vector<std::string> Plugin::component_class_descriptions() const {
  std::vector<std::string> out;
  for (const brick_component_class* cls : component_classes_) {
    out.emplace_back(cls->struct_size > offsetof(brick_component_class, description) && cls->description
                         ? cls->description
                         : "");
  }
  return out;
}

void Plugin::add_component_types(ComponentTypes& types) const {
  detail::add_plugin_component_types(shared_from_this(), component_classes_, types);
}

}  // namespace brick::host
