// A component made by a plugin's component type (brick_component behind a
// host Object), and the registration of a plugin's component types.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "brick/brick_abi.h"
#include "brick/host/components/component_types.h"
#include "brick/host/value/object.h"

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
  const void* origin() const override { return plugin_.get(); }
  std::string origin_version() const override;
  Value config() const override;
  Value call(std::string_view method, const Value& args) override;
  // call() throws BRICK_ERR_UNKNOWN_METHOD for a method the type lacks,
  // also for a plugin built for ABI 1.1 (whose SDK said BRICK_ERR_NOT_FOUND
  // "component has no method '<method>'").
  // call_if_answered: the same, but nullopt when the type does not answer
  // the method at all; other errors throw. The
  // host's conventions (load_state_dict, state_dict, to) are opt-in this way.
  std::optional<Value> call_if_answered(std::string_view method, const Value& args);
  // Writes <folder>/config.json and, when the type answers state_dict with
  // tensors, <folder>/model.safetensors: what loading from the folder reads.
  // A type that answers save_pretrained(save_directory=<folder>) writes the
  // folder itself instead.
  void save(const std::filesystem::path& folder) const override;
  // Calls the type's `to(device="cuda:0")` when it has one; remembers where
  // the component is either way.
  void to(brick_device device) override;
  brick_device device() const override { return device_; }

  // The plugin's own object, when `caller` is the plugin that made it.
  void* native(const Plugin* caller, const char* type_id) const;

 private:
  std::shared_ptr<const Plugin> plugin_;
  std::string class_name_;
  brick_component* instance_;
  Value config_;
  brick_device device_{1, 0};
};

// Registers "<plugin>.<Name>" for each component class of the plugin. Such a
// type loads from a folder as diffusers' ConfigMixin/ModelMixin do: created
// from <folder>/config.json (a scheduler's scheduler_config.json and a
// tokenizer's tokenizer_config.json also work; `_name_or_path` names the folder),
// then given the folder's weights (every *.safetensors, or *.<variant>.safetensors)
// through its `load_state_dict`, then moved to the load device.
void add_plugin_component_types(const std::shared_ptr<const Plugin>& plugin,
                                const std::vector<const brick_component_class*>& classes, ComponentTypes& types);

}  // namespace brick::host::detail
