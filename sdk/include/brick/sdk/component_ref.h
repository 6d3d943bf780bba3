// brick::ComponentRef: a pipeline component as a block sees it
// (components.get("scheduler")). It reads like a value (it is a ValueRef)
// and, for component objects, like an object:
//
//   brick::Value prev = components.get("scheduler").call("step", std::move(args));
//   brick::Value t = components.get("scheduler").call_with("scale_model_input", latents, 3);
//   EulerScheduler* s = components.native<EulerScheduler>("scheduler");  // the plugin's own type
//
// call() goes through the host (ABI component_call), so it works for any
// component object: another plugin's component type, a TorchScript module.
// native<T>() returns the C++ object itself, without marshalling, only for a
// component this plugin made with type T; otherwise nullptr.
#pragma once

#include <utility>

#include "brick/sdk/component_type.h"
#include "brick/sdk/value.h"

namespace brick {

class ComponentRef : public ValueRef {
 public:
  ComponentRef(brick_ctx* ctx, brick_value v) : ValueRef(v), ctx_(ctx) {}

  bool is_object() const { return kind() == BRICK_VALUE_OBJECT; }

  // Calls a method; args is a list (positional), a dict (keywords) or None.
  // Throws brick::Error with the host's message on failure.
  Value call(const char* method, const Value& args) const {
    if (!detail::host().component_call) throw Error(BRICK_ERR_UNSUPPORTED, "this host has no component calls (ABI < 1.1)");
    brick_value out = nullptr;
    brick_value a = args.ref().is_none() ? nullptr : args.ref().handle();
    brick_status status = detail::host().component_call(ctx_, handle(), method, a, &out);
    if (status != BRICK_OK) throw Error(status, detail::host().last_error(ctx_));
    return out ? Value::adopt(out) : Value();
  }
  Value call(const char* method) const { return call(method, Value()); }
  // Positional arguments, each converted as Value(arg).
  template <class... A>
  Value call_with(const char* method, const A&... args) const {
    Value list = Value::list();
    (list.append(Value(args)), ...);
    return call(method, list);
  }

  // The plugin's own object of type T, or nullptr (not a component of this
  // plugin, or of another type).
  template <class T>
  T* native() const {
    if (!detail::host().component_native || !handle()) return nullptr;
    return static_cast<T*>(detail::host().component_native(ctx_, handle(), detail::native_type_id<T>()));
  }

 private:
  brick_ctx* ctx_;
};

}  // namespace brick
