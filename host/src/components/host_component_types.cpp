// Host::component_types: the built-in component types plus those the loaded
// plugins export.
#include "brick/host/component_types.h"
#include "brick/host/host.h"
#include "brick/host/plugin.h"

namespace brick::host {

std::shared_ptr<const ComponentTypes> Host::component_types() const {
  auto types = std::make_shared<ComponentTypes>(ComponentTypes::builtin());
  for (const std::shared_ptr<Plugin>& plugin : plugins()) plugin->add_component_types(*types);
  return types;
}

}  // namespace brick::host
