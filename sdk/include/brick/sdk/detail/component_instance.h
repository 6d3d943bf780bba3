// The adapters between the C ABI's component class and instance and a C++
// component type T (brick::ComponentType). Part of brick/plugin.h.
#pragma once

#include <cstring>
#include <memory>
#include <string>
#include <type_traits>
#include <typeinfo>

#include "brick/sdk/component_type.h"
#include "brick/sdk/detail/boundary.h"

namespace brick::detail {

// One exported component class.
struct ComponentClassEntry : brick_component_class {
  std::string name_storage;
  std::string description_storage;
};

// A component instance: the C vtable followed by the C++ object.
template <class T>
struct ComponentInstance : brick_component {
  std::unique_ptr<T> impl;
  Value created_from;  // the creation config (owned), for config()

  ComponentInstance(std::unique_ptr<T> object, Value config)
      : brick_component{}, impl(std::move(object)), created_from(std::move(config)) {
    struct_size = sizeof(brick_component);
    call = &ComponentInstance::call_impl;
    native = &ComponentInstance::native_impl;
    this->config = &ComponentInstance::config_impl;
    destroy = &ComponentInstance::destroy_impl;
  }

  static brick_status call_impl(brick_component* self, brick_ctx* ctx, const char* method, brick_value args,
                                brick_value* out) {
    auto* instance = static_cast<ComponentInstance*>(self);
    return guard(ctx, [&] {
      Value result = instance->impl->call(method ? method : "", ValueRef(args));
      *out = result.release();
    });
  }

  static void* native_impl(brick_component* self, const char* type_id) {
    auto* instance = static_cast<ComponentInstance*>(self);
    return type_id && std::strcmp(type_id, native_type_id<T>()) == 0 ? instance->impl.get() : nullptr;
  }

  // A config that cannot be made is a failure, not "no config": the host's
  // save_pretrained would otherwise write the creation config silently. The
  // ABI's config() has no ctx; the host gives the call one (current_ctx).
  static brick_value config_impl(brick_component* self) {
    auto* instance = static_cast<ComponentInstance*>(self);
    brick_value made = nullptr;
    brick_status status = guard(host().current_ctx(), [&] {
      Value current = instance->impl->config();
      if (!current.ref().is_none()) {
        made = current.release();
      } else if (instance->created_from.ref().handle()) {
        made = host().value_retain(instance->created_from.ref().handle());
      }
    });
    return status == BRICK_OK ? made : nullptr;
  }

  static void destroy_impl(brick_component* self) { delete static_cast<ComponentInstance*>(self); }

  static brick_status create(const brick_component_class* /*cls: one instantiation per type*/, brick_ctx* ctx,
                             brick_value config, brick_component** out) {
    return guard(ctx, [&] {
      std::unique_ptr<T> object;
      if constexpr (std::is_constructible_v<T, ValueRef>) {
        object = std::make_unique<T>(ValueRef(config));
      } else {
        static_assert(std::is_default_constructible_v<T>,
                      "a component type is constructible from brick::ValueRef (its config) or by default");
        object = std::make_unique<T>();
      }
      Value kept = config ? Value::retain(ValueRef(config)) : Value::dict();
      *out = new ComponentInstance(std::move(object), std::move(kept));
    });
  }
};

}  // namespace brick::detail
