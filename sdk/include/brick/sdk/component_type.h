// brick::ComponentType: the base of a component type a plugin exports
// (ABI 1.1): a scheduler, a guider, a small model. The host creates it from a
// JSON config (a ComponentSpec's config, or a component folder's
// config.json) and holds it as a pipeline component; blocks call its methods
// by name through the host, and the plugin's own blocks can reach the C++
// object directly (Components::native<T>).
//
//   class EulerScheduler : public brick::ComponentType {
//    public:
//     explicit EulerScheduler(brick::ValueRef config);            // or a default constructor
//     brick::Value call(const std::string& method, brick::ValueRef args) override;
//   };
//   BRICK_PLUGIN("my_plugin", "1.0", "...") { plugin.add_component<EulerScheduler>("EulerScheduler"); }
//
// The spec that asks for it: ComponentSpec("scheduler", "my_plugin.EulerScheduler").with_config(...).
#pragma once

#include <string>
#include <typeinfo>

#include "brick/sdk/error.h"
#include "brick/sdk/value.h"

namespace brick {

class ComponentType {
 public:
  virtual ~ComponentType() = default;

  // A method called by name (components.get("scheduler").call("step", args)).
  // args is a list (positional), a dict (keywords) or None. The default
  // knows no method.
  virtual Value call(const std::string& method, ValueRef /*args*/) {
    throw Error(BRICK_ERR_UNKNOWN_METHOD, "component has no method '" + method + "'");
  }

  // The config save_pretrained writes (config.json). None: the config the
  // component was created from.
  virtual Value config() const { return Value(); }
};

namespace detail {
// What native(type_id) compares: the C++ type's name, unique within the
// plugin (the host only asks on behalf of the plugin that made the component).
template <class T>
const char* native_type_id() {
  return typeid(T).name();
}
}  // namespace detail

}  // namespace brick
