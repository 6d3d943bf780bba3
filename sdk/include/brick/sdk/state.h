// The views of pipeline data a block works with during one call:
// PipelineState (the shared state), BlockState (this block's local view, from
// get_block_state) and Components (the pipeline's components and configs).
// All three are thin handles on host objects and live only during the call.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "brick/sdk/component_ref.h"
#include "brick/sdk/value.h"

namespace brick {

namespace detail {
// The slot names of one block, numbered as brick_block_decl documents.
struct SlotTable {
  std::string block_name;
  std::vector<std::string> names;

  // The slot of a declared name, or -1.
  int find(std::string_view name) const {
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i].size() == name.size() && names[i] == name) return static_cast<int>(i);
    }
    return -1;
  }
};

// Forwards the host's message of the failed call made with ctx.
[[noreturn]] inline void rethrow_host_error(brick_ctx* ctx, brick_status status) {
  const char* message = host().last_error(ctx);
  throw Error(status, message && *message ? message : brick_status_name(status));
}
}  // namespace detail

class PipelineState {
 public:
  explicit PipelineState(brick_ctx* ctx) : ctx_(ctx) {}

  // state.get(name): None when absent.
  ValueRef get(const char* name) const { return ValueRef(detail::host().state_get(ctx_, name)); }
  template <class T>
  T get(const char* name) const {
    return get(name).as<T>();
  }
  std::string repr() const { return detail::host().state_repr(ctx_); }
  brick_ctx* ctx() const { return ctx_; }

 private:
  brick_ctx* ctx_;
};

class BlockState {
 public:
  BlockState(brick_block_state* handle, const detail::SlotTable* slots)
      : handle_(handle), slots_(slots) {}

  // block_state.name; fails naming the block and the value when absent or of
  // another type.
  template <class T>
  T get(std::string_view name) const {
    brick_value v = lookup(name);
    if (!v) {
      throw Error(BRICK_ERR_NOT_FOUND,
                  "BlockState of '" + slots_->block_name + "' has no value '" + std::string(name) + "'");
    }
    try {
      return Convert<T>::from(v);
    } catch (const Error& e) {
      throw Error(e.status(), "BlockState value '" + std::string(name) + "' of '" + slots_->block_name +
                                  "': " + e.what());
    }
  }
  // block_state[name]: None when absent, like diffusers' __getitem__.
  ValueRef operator[](std::string_view name) const { return ValueRef(lookup(name)); }
  bool has(std::string_view name) const { return lookup(name) != nullptr; }

  // block_state.name = value. Values the block did not declare stay local.
  template <class T>
  void set(std::string_view name, const T& value) {
    store(name, Value(value).release());
  }
  void set(std::string_view name, Value value) { store(name, value.release()); }

  std::string repr() const { return detail::host().block_state_repr(handle_); }
  brick_block_state* handle() const { return handle_; }

 private:
  brick_value lookup(std::string_view name) const {
    int slot = slots_->find(name);
    if (slot >= 0) return detail::host().block_state_get_slot(handle_, static_cast<uint32_t>(slot));
    return detail::host().block_state_get(handle_, std::string(name).c_str());
  }
  void store(std::string_view name, brick_value owned) {
    int slot = slots_->find(name);
    brick_status status =
        slot >= 0 ? detail::host().block_state_set_slot(handle_, static_cast<uint32_t>(slot), owned)
                  : detail::host().block_state_set(handle_, std::string(name).c_str(), owned);
    detail::check(status, "BlockState set");
  }

  brick_block_state* handle_;
  const detail::SlotTable* slots_;
};

class Components {
 public:
  explicit Components(brick_ctx* ctx) : ctx_(ctx) {}

  // components.<name>: None when the pipeline has no such component loaded.
  // A component object can be called: get("scheduler").call("step", args).
  ComponentRef get(const char* name) const { return ComponentRef(ctx_, detail::host().get_component(ctx_, name)); }
  // The plugin's own object of type T behind a component (no marshalling),
  // or nullptr when the component is absent, another plugin's or another type.
  template <class T>
  T* native(const char* name) const {
    return get(name).native<T>();
  }
  // components.config.<name>: a config declared through ConfigSpec.
  ValueRef config(const char* name) const { return ValueRef(detail::host().get_config(ctx_, name)); }
  template <class T>
  T config(const char* name) const {
    return config(name).as<T>();
  }

  // The device the pipeline runs on and the CUDA stream to enqueue on.
  brick_device device() const {
    brick_device d{1, 0};
    detail::host().get_device(ctx_, &d);
    return d;
  }
  void* stream() const { return detail::host().get_stream(ctx_); }
  brick_ctx* ctx() const { return ctx_; }

 private:
  brick_ctx* ctx_;
};

}  // namespace brick
