// A component made by a plugin's component type (brick_component behind a
// host Object), and the registration of a plugin's component types.
#pragma once

#include <memory>
#include <string>

#include "brick/brick_abi.h"
#include "brick/host/component_types.h"
#include "brick/host/object.h"

namespace brick::host {
class Plugin;
}

namespace brick::host::detail {

class PluginComponent : public Object {
 public:
  // Takes over `instance` (destroyed with the object).
  PluginComponent(std::shared_ptr<const Plugin> plugin, std::string class_name, brick_component* instance,
                  Value config);
  ~PluginComponent() override;
  PluginComponent(const PluginComponent&) = delete;
  PluginComponent& operator=(const PluginComponent&) = delete;

  std::string class_name() const override { return class_name_; }
  std::string library() const override;
  Value config() const override;
  Value call(std::string_view method, const Value& args) override;
  // Writes <folder>/config.json, which loading the type from the folder reads.
  void save(const std::filesystem::path& folder) const override;

  // The plugin's own object, when `caller` is the plugin that made it.
  void* native(const Plugin* caller, const char* type_id) const;

 private:
  std::shared_ptr<const Plugin> plugin_;
  std::string class_name_;
  brick_component* instance_;
  Value config_;
};

// Registers "<plugin>.<Name>" for each component class of the plugin.
void add_plugin_component_types(const std::shared_ptr<const Plugin>& plugin,
                                const std::vector<const brick_component_class*>& classes, ComponentTypes& types);

}  // namespace brick::host::detail
