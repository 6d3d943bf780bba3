// The host function table (brick_host_api) that every plugin receives.
// Each function keeps C++ exceptions on this side of the boundary.
#include <c10/util/Exception.h>

#include <new>

#include "brick/host/base/error.h"
#include "brick/host/base/log.h"
#include "brick/host/blocks/loop_blocks.h"
#include "brick/host/blocks/run_context.h"
#include "brick/host/plugin/plugin.h"
#include "brick/host/value/object.h"
#include "brick/sdk/torch_fingerprint.h"
#include "call_context.h"
#include "call_scope.h"
#include "plugin_component.h"
#include "tensor_exchange.h"

namespace {
thread_local brick_ctx* t_current_ctx = nullptr;
// last_error(NULL): the message of the last host call without a ctx on this
// thread. The host library is never unloaded, so a destructor is fine here.
thread_local std::string t_error;
}  // namespace

brick_ctx::brick_ctx() : previous_(t_current_ctx) { t_current_ctx = this; }
brick_ctx::~brick_ctx() { t_current_ctx = previous_; }

namespace brick::host::detail {

namespace {

// Records a failure on the ctx, or for last_error(NULL) without one, and
// returns its status.
brick_status fail(brick_ctx* ctx, brick_status status, const std::string& message) noexcept {
  try {
    (ctx ? ctx->error : t_error) = message;
  } catch (...) {
  }
  return status;
}

// Every host call starts with a clean message: last_error never reports an
// earlier call's failure.
void begin(brick_ctx* ctx) noexcept { (ctx ? ctx->error : t_error).clear(); }

// Runs f, turning anything it throws into a status plus message: nothing
// crosses back into plugin code.
template <class F>
brick_status guarded(brick_ctx* ctx, F&& f) noexcept {
  try {
    return f();
  } catch (const Error& e) {
    return fail(ctx, e.status(), e.what());
  } catch (const c10::OutOfMemoryError& e) {
    return fail(ctx, BRICK_ERR_DEVICE_OUT_OF_MEMORY, e.what_without_backtrace());
  } catch (const c10::Error& e) {
    return fail(ctx, BRICK_ERR_INTERNAL, e.what_without_backtrace());
  } catch (const std::bad_alloc&) {
    return fail(ctx, BRICK_ERR_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    return fail(ctx, BRICK_ERR_INTERNAL, e.what());
  } catch (...) {
    return fail(ctx, BRICK_ERR_INTERNAL, "unknown exception (not derived from std::exception)");
  }
}

// "list [1, 2]" for messages about a value; long reprs are cut.
std::string describe(const Value& v) {
  std::string repr;
  try {
    repr = v.repr();
  } catch (...) {
  }
  if (repr.size() > 80) repr = repr.substr(0, 77) + "...";
  return std::string(v.kind_name()) + " " + repr;
}

// A value made for the plugin (owned handle), or NULL when out of memory.
brick_value make(Value v) noexcept {
  try {
    return handle_of(new Value(std::move(v)));
  } catch (...) {
    return nullptr;
  }
}

const char* pin_string(brick_ctx* ctx, std::string text) {
  if (!ctx) return "";
  ctx->strings.push_front(std::move(text));
  return ctx->strings.front().c_str();
}

// ---- diagnostics --------------------------------------------------------

void api_log(brick_ctx* ctx, int32_t level, const char* message) {
  try {
    std::string_view source = ctx && ctx->plugin ? std::string_view(ctx->plugin->name()) : "plugin";
    log(static_cast<LogLevel>(level), source, message ? message : "");
  } catch (...) {
  }
}

void api_set_error(brick_ctx* ctx, const char* message) {
  try {
    if (ctx) {
      ctx->error = message ? message : "";
    } else {
      log(LogLevel::Error, "plugin", message ? message : "");
    }
  } catch (...) {
  }
}

const char* api_last_error(brick_ctx* ctx) { return ctx ? ctx->error.c_str() : t_error.c_str(); }

// ---- the call -----------------------------------------------------------

brick_status api_get_device(brick_ctx* ctx, brick_device* out) {
  if (!out) return BRICK_ERR_INVALID_ARGUMENT;
  *out = ctx && ctx->components ? ctx->components->device() : brick_device{1, 0};
  return BRICK_OK;
}

void* api_get_stream(brick_ctx* ctx) {
  try {
    return ctx && ctx->components ? call_stream(*ctx->components) : nullptr;
  } catch (...) {
    return nullptr;
  }
}

// ---- state --------------------------------------------------------------

brick_status api_get_block_state(brick_ctx* ctx, brick_block_state** out) {
  begin(ctx);
  if (!ctx || !out) return fail(ctx, BRICK_ERR_INVALID_ARGUMENT, "get_block_state: NULL argument");
  if (ctx->loop_block_state) {  // a loop sub-block works on the loop's block state
    *out = ctx->loop_block_state;
    return BRICK_OK;
  }
  if (!ctx->leaf || !ctx->state) return fail(ctx, BRICK_ERR_INVALID_ARGUMENT, "get_block_state outside a block call");
  return guarded(ctx, [&] {
    brick_block_state* made = ctx->block_state ? &ctx->more_block_states.emplace_front() : &ctx->block_state.emplace();
    made->owned.emplace(get_block_state(*ctx->leaf, *ctx->state));
    made->state = &*made->owned;
    made->ctx = ctx;
    made->slot_map = ctx->slot_map;
    *out = made;
    return BRICK_OK;
  });
}

brick_status api_set_block_state(brick_ctx* ctx, brick_block_state* block_state) {
  begin(ctx);
  if (!ctx || !block_state) return fail(ctx, BRICK_ERR_INVALID_ARGUMENT, "set_block_state: NULL argument");
  if (ctx->loop_block_state) return BRICK_OK;  // the loop wrapper writes back
  if (!ctx->leaf || !ctx->state) return fail(ctx, BRICK_ERR_INVALID_ARGUMENT, "set_block_state outside a block call");
  return guarded(ctx, [&] {
    set_block_state(*ctx->leaf, *ctx->state, *block_state->state);
    return BRICK_OK;
  });
}

brick_value api_state_get(brick_ctx* ctx, const char* name) {
  if (!ctx || !ctx->state || !name) return nullptr;
  try {
    const Value* found = ctx->state->find(name);
    if (!found) return nullptr;
    ctx->pinned.push_front(*found);  // the state may change before the call ends
    return handle_of(&ctx->pinned.front());
  } catch (...) {
    return nullptr;
  }
}

const char* api_state_repr(brick_ctx* ctx) {
  try {
    return ctx && ctx->state ? pin_string(ctx, ctx->state->repr()) : "";
  } catch (...) {
    return "";
  }
}

brick_value api_block_state_get_slot(brick_block_state* bs, uint32_t slot) {
  if (!bs) return nullptr;
  int64_t index = bs->slot(slot);
  return index < 0 ? nullptr : handle_of(bs->state->slot(static_cast<size_t>(index)));
}

brick_value api_block_state_get(brick_block_state* bs, const char* name) {
  return bs && name ? handle_of(bs->state->get(name)) : nullptr;
}

brick_status api_block_state_set_slot(brick_block_state* bs, uint32_t slot, brick_value value) {
  std::unique_ptr<Value> owned(value_of(value));
  begin(bs ? bs->ctx : nullptr);
  if (!bs || !owned)
    return fail(bs ? bs->ctx : nullptr, BRICK_ERR_INVALID_ARGUMENT, "block_state_set_slot: NULL argument");
  int64_t index = bs->slot(slot);
  if (index < 0 || static_cast<size_t>(index) >= bs->state->slot_count()) {
    return fail(bs->ctx, BRICK_ERR_INVALID_ARGUMENT,
                "block state slot " + std::to_string(slot) + " does not exist (the block state has " +
                    std::to_string(bs->state->slot_count()) + ")");
  }
  return guarded(bs->ctx, [&] {
    bs->state->set_slot(static_cast<size_t>(index), std::move(*owned), &bs->ctx->retired);
    return BRICK_OK;
  });
}

brick_status api_block_state_set(brick_block_state* bs, const char* name, brick_value value) {
  std::unique_ptr<Value> owned(value_of(value));
  begin(bs ? bs->ctx : nullptr);
  if (!bs || !name || !owned)
    return fail(bs ? bs->ctx : nullptr, BRICK_ERR_INVALID_ARGUMENT, "block_state_set: NULL argument");
  return guarded(bs->ctx, [&] {
    bs->state->set(name, std::move(*owned), &bs->ctx->retired);
    return BRICK_OK;
  });
}

const char* api_block_state_repr(brick_block_state* bs) {
  try {
    return bs ? pin_string(bs->ctx, bs->state->repr()) : "";
  } catch (...) {
    return "";
  }
}

// ---- values: reading ----------------------------------------------------

brick_value_kind api_value_kind(brick_value v) {
  if (!v) return BRICK_VALUE_NONE;
  switch (value_of(v)->kind()) {
    case Value::Kind::None:
      return BRICK_VALUE_NONE;
    case Value::Kind::Bool:
      return BRICK_VALUE_BOOL;
    case Value::Kind::Int:
      return BRICK_VALUE_INT;
    case Value::Kind::Float:
      return BRICK_VALUE_FLOAT;
    case Value::Kind::String:
      return BRICK_VALUE_STRING;
    case Value::Kind::List:
      return BRICK_VALUE_LIST;
    case Value::Kind::Dict:
      return BRICK_VALUE_DICT;
    case Value::Kind::Tensor:
      return BRICK_VALUE_TENSOR;
    case Value::Kind::Object:
      return BRICK_VALUE_OBJECT;
  }
  return BRICK_VALUE_NONE;
}

// A failed read of a value: the message names what was asked and what it is.
brick_status mismatch(const Value& v, const char* wanted) {
  return fail(nullptr, BRICK_ERR_TYPE_MISMATCH, std::string("expected ") + wanted + ", got " + describe(v));
}

brick_status api_value_to_bool(brick_value v, int32_t* out) {
  begin(nullptr);
  if (!v || !out) return fail(nullptr, BRICK_ERR_INVALID_ARGUMENT, "value_to_bool: NULL argument");
  if (value_of(v)->kind() != Value::Kind::Bool) return mismatch(*value_of(v), "a bool");
  *out = value_of(v)->as_bool() ? 1 : 0;
  return BRICK_OK;
}

brick_status api_value_to_int(brick_value v, int64_t* out) {
  begin(nullptr);
  if (!v || !out) return fail(nullptr, BRICK_ERR_INVALID_ARGUMENT, "value_to_int: NULL argument");
  if (value_of(v)->kind() != Value::Kind::Int) return mismatch(*value_of(v), "an int");
  *out = value_of(v)->as_int();
  return BRICK_OK;
}

brick_status api_value_to_float(brick_value v, double* out) {
  begin(nullptr);
  if (!v || !out) return fail(nullptr, BRICK_ERR_INVALID_ARGUMENT, "value_to_float: NULL argument");
  Value::Kind kind = value_of(v)->kind();
  if (kind != Value::Kind::Float && kind != Value::Kind::Int) return mismatch(*value_of(v), "a float");
  *out = value_of(v)->as_float();
  return BRICK_OK;
}

brick_status api_value_to_string(brick_value v, const char** data, size_t* size) {
  begin(nullptr);
  if (!v || !data || !size) return fail(nullptr, BRICK_ERR_INVALID_ARGUMENT, "value_to_string: NULL argument");
  if (value_of(v)->kind() != Value::Kind::String) return mismatch(*value_of(v), "a str");
  const std::string& s = value_of(v)->as_string();
  *data = s.c_str();
  *size = s.size();
  return BRICK_OK;
}

brick_status api_value_to_dlpack(brick_value v, DLManagedTensor** out) {
  begin(nullptr);
  if (!v || !out) return fail(nullptr, BRICK_ERR_INVALID_ARGUMENT, "value_to_dlpack: NULL argument");
  if (!value_of(v)->is_tensor()) return mismatch(*value_of(v), "a Tensor");
  return guarded(nullptr, [&] {
    *out = to_dlpack(*value_of(v));
    return BRICK_OK;
  });
}

brick_status api_value_to_native_tensor(brick_value v, void** out) {
  begin(nullptr);
  if (!v || !out) return fail(nullptr, BRICK_ERR_INVALID_ARGUMENT, "value_to_native_tensor: NULL argument");
  if (!value_of(v)->is_tensor()) return mismatch(*value_of(v), "a Tensor");
  *out = value_of(v)->new_tensor_reference();
  return BRICK_OK;
}

size_t api_value_size(brick_value v) {
  if (!v) return 0;
  if (value_of(v)->kind() == Value::Kind::List) return value_of(v)->as_list().size();
  if (value_of(v)->kind() == Value::Kind::Dict) return value_of(v)->as_dict().size();
  return 0;
}

brick_value api_value_list_at(brick_value list, size_t index) {
  if (!list || value_of(list)->kind() != Value::Kind::List) return nullptr;
  const Value::List& items = value_of(list)->as_list();
  return index < items.size() ? handle_of(&items[index]) : nullptr;
}

const char* api_value_dict_key_at(brick_value dict, size_t index) {
  if (!dict || value_of(dict)->kind() != Value::Kind::Dict) return nullptr;
  const Value::Dict& items = value_of(dict)->as_dict();
  return index < items.size() ? items[index].first.c_str() : nullptr;
}

brick_value api_value_dict_at(brick_value dict, size_t index) {
  if (!dict || value_of(dict)->kind() != Value::Kind::Dict) return nullptr;
  const Value::Dict& items = value_of(dict)->as_dict();
  return index < items.size() ? handle_of(&items[index].second) : nullptr;
}

brick_value api_value_dict_get(brick_value dict, const char* key) {
  return dict && key ? handle_of(value_of(dict)->find(key)) : nullptr;
}

const char* api_value_repr(brick_ctx* ctx, brick_value v) {
  try {
    return pin_string(ctx, v ? value_of(v)->repr() : "None");
  } catch (...) {
    return "";
  }
}

// ---- values: making -----------------------------------------------------

brick_value api_value_new_none() { return make(Value()); }
brick_value api_value_new_bool(int32_t b) { return make(Value(b != 0)); }
brick_value api_value_new_int(int64_t i) { return make(Value(i)); }
brick_value api_value_new_float(double f) { return make(Value(f)); }
// A container the plugin may grow until it publishes it (Value::frozen).
brick_value make_unfrozen(Value v) noexcept {
  brick_value made = make(std::move(v));
  if (made) value_of(made)->set_unfrozen(true);
  return made;
}
brick_value api_value_new_list() { return make_unfrozen(Value::list({})); }
brick_value api_value_new_dict() { return make_unfrozen(Value::dict({})); }

// Why a container cannot grow, or 0 when it can.
brick_status check_growable(const Value& container, Value::Kind kind, const char* function) {
  if (container.kind() != kind) {
    return fail(nullptr, BRICK_ERR_TYPE_MISMATCH,
                std::string(function) + ": expected a " + (kind == Value::Kind::List ? "list" : "dict") + ", got " +
                    describe(container));
  }
  if (container.frozen()) {
    return fail(nullptr, BRICK_ERR_IMMUTABLE,
                std::string(function) + ": the " + describe(container) +
                    " is frozen: it was published (stored in a state, a container or a config, or handed out by the "
                    "host); only a value made with value_new_list / value_new_dict and not yet passed on can grow "
                    "(build a new one)");
  }
  return BRICK_OK;
}

brick_value api_value_new_string(const char* data, size_t size) {
  if (!data && size) return nullptr;
  try {
    return make(Value(std::string(data ? data : "", size)));
  } catch (...) {
    return nullptr;
  }
}

brick_status api_value_list_append(brick_value list, brick_value item) {
  std::unique_ptr<Value> owned(value_of(item));
  begin(nullptr);
  if (!list || !owned) return fail(nullptr, BRICK_ERR_INVALID_ARGUMENT, "value_list_append: NULL argument");
  if (brick_status refused = check_growable(*value_of(list), Value::Kind::List, "value_list_append")) return refused;
  Value::List* items = value_of(list)->mutable_list();
  if (!items) {
    return fail(nullptr, BRICK_ERR_IMMUTABLE,
                "value_list_append: the " + describe(*value_of(list)) + " is shared (it was retained)");
  }
  return guarded(nullptr, [&] {
    items->push_back(std::move(*owned));
    return BRICK_OK;
  });
}

brick_status api_value_dict_set(brick_value dict, const char* key, brick_value item) {
  std::unique_ptr<Value> owned(value_of(item));
  begin(nullptr);
  if (!dict || !key || !owned) return fail(nullptr, BRICK_ERR_INVALID_ARGUMENT, "value_dict_set: NULL argument");
  if (brick_status refused = check_growable(*value_of(dict), Value::Kind::Dict, "value_dict_set")) return refused;
  Value::Dict* items = value_of(dict)->mutable_dict();
  if (!items) {
    return fail(nullptr, BRICK_ERR_IMMUTABLE,
                "value_dict_set: the " + describe(*value_of(dict)) + " is shared (it was retained)");
  }
  return guarded(nullptr, [&] {
    for (auto& [k, existing] : *items) {
      if (k == key) {
        existing = std::move(*owned);
        return BRICK_OK;
      }
    }
    items->emplace_back(key, std::move(*owned));
    return BRICK_OK;
  });
}

brick_value api_value_from_dlpack(brick_ctx* ctx, DLManagedTensor* tensor) {
  begin(ctx);
  try {
    std::shared_ptr<const void> keep_alive;
    if (ctx && ctx->plugin) keep_alive = ctx->plugin->shared_from_this();
    return make(from_dlpack(tensor, std::move(keep_alive)));
  } catch (const std::exception& e) {
    fail(ctx, BRICK_ERR_INVALID_ARGUMENT, e.what());
    return nullptr;
  } catch (...) {
    fail(ctx, BRICK_ERR_INTERNAL, "value_from_dlpack: unknown exception");
    return nullptr;
  }
}

brick_value api_value_from_native_tensor(void* impl) {
  // Memory freed by the plugin's own code (at::from_blob with its deleter)
  // would outlive an unloaded library: such a plugin stays resident.
  if (const brick_ctx* ctx = t_current_ctx; ctx && ctx->plugin && ctx->plugin->unloadable()) {
    if (ctx->plugin->contains_address(native_tensor_deleter(impl))) {
      ctx->plugin->pin("it handed out a tensor whose memory its own code frees (native exchange)");
    }
  }
  Value adopted = Value::adopt_tensor_impl(impl);
  return make(std::move(adopted));
}

// Retaining publishes: the handle and its copy now share the value, so
// neither may grow it.
brick_value api_value_retain(brick_value v) {
  if (!v) return nullptr;
  value_of(v)->set_unfrozen(false);
  return make(*value_of(v));
}
void api_value_release(brick_value v) { delete value_of(v); }

// ---- components and configs ---------------------------------------------

brick_value api_get_component(brick_ctx* ctx, const char* name) {
  if (!ctx || !ctx->components || !name) return nullptr;
  try {
    return handle_of(ctx->components->use(name));
  } catch (const std::exception& e) {
    // The offload hook failed (e.g. out of device memory): report, and hand
    // out the component where it is.
    log(LogLevel::Warning, "brick", std::string("moving component '") + name + "' failed: " + e.what());
    return handle_of(ctx->components->get(name));
  }
}

brick_value api_get_config(brick_ctx* ctx, const char* name) {
  return ctx && ctx->components && name ? handle_of(ctx->components->config(name)) : nullptr;
}

// ---- loops and progress ---------------------------------------------------

brick_status api_loop_step(brick_ctx* ctx, brick_block_state* block_state, brick_value args) {
  begin(ctx);
  if (!ctx || !block_state) return fail(ctx, BRICK_ERR_INVALID_ARGUMENT, "loop_step: NULL argument");
  if (!ctx->loop || !ctx->components)
    return fail(ctx, BRICK_ERR_INVALID_ARGUMENT, "loop_step outside a loop wrapper's call");
  if (args && value_of(args)->kind() != Value::Kind::Dict) {
    return fail(ctx, BRICK_ERR_TYPE_MISMATCH, "loop_step: the iteration arguments must be a dict");
  }
  return guarded(ctx, [&] {
    static const Value kNoArgs;
    ctx->loop->loop_step(*ctx->components, *block_state->state, args ? *value_of(args) : kNoArgs);
    return BRICK_OK;
  });
}

brick_value api_loop_args(brick_ctx* ctx) { return ctx && ctx->loop_args ? handle_of(ctx->loop_args) : nullptr; }

void api_progress(brick_ctx* ctx, int64_t done, int64_t total) {
  try {
    std::string_view source = ctx && ctx->plugin ? std::string_view(ctx->plugin->name()) : "plugin";
    report_run_progress(source, done, total);
  } catch (...) {
  }
}

brick_ctx* api_current_ctx() { return t_current_ctx; }

// ---- components as objects (ABI 1.1) -------------------------------------

brick_status api_component_call(brick_ctx* ctx, brick_value component, const char* method, brick_value args,
                                brick_value* out) {
  begin(ctx);
  if (!component || !method || !out) return fail(ctx, BRICK_ERR_INVALID_ARGUMENT, "component_call: NULL argument");
  brick_status status = guarded(ctx, [&] {
    const Value& value = *value_of(component);
    if (!value.is_object()) {
      return fail(ctx, BRICK_ERR_TYPE_MISMATCH,
                  std::string("component_call('") + method + "'): the value is a " + value.kind_name() +
                      ", not a component object");
    }
    Value result = value.as_object()->call(method, args ? *value_of(args) : Value());
    brick_value made = make(std::move(result));
    if (!made) return fail(ctx, BRICK_ERR_OUT_OF_MEMORY, "out of memory");
    *out = made;
    return BRICK_OK;
  });
  // A plugin built for ABI 1.1 knows unknown methods as NOT_FOUND.
  if (status == BRICK_ERR_UNKNOWN_METHOD && ctx && ctx->plugin && ctx->plugin->abi().minor < 2) {
    status = BRICK_ERR_NOT_FOUND;
  }
  return status;
}

void* api_component_native(brick_ctx* ctx, brick_value component, const char* type_id) {
  if (!ctx || !component || !type_id) return nullptr;
  try {
    auto plugin_component = value_of(component)->object_as<PluginComponent>();
    return plugin_component ? plugin_component->native(ctx->plugin, type_id) : nullptr;
  } catch (...) {
    return nullptr;
  }
}

brick_host_api make_table() {
  brick_host_api t{};
  t.struct_size = sizeof t;
  t.abi_major = BRICK_ABI_VERSION_MAJOR;
  t.abi_minor = BRICK_ABI_VERSION_MINOR;
  t.host_version = BRICK_VERSION;
  t.torch_fingerprint = BRICK_TORCH_FINGERPRINT;
  t.log = api_log;
  t.set_error = api_set_error;
  t.last_error = api_last_error;
  t.get_device = api_get_device;
  t.get_stream = api_get_stream;
  t.get_block_state = api_get_block_state;
  t.set_block_state = api_set_block_state;
  t.state_get = api_state_get;
  t.state_repr = api_state_repr;
  t.block_state_get_slot = api_block_state_get_slot;
  t.block_state_get = api_block_state_get;
  t.block_state_set_slot = api_block_state_set_slot;
  t.block_state_set = api_block_state_set;
  t.block_state_repr = api_block_state_repr;
  t.value_kind = api_value_kind;
  t.value_to_bool = api_value_to_bool;
  t.value_to_int = api_value_to_int;
  t.value_to_float = api_value_to_float;
  t.value_to_string = api_value_to_string;
  t.value_to_dlpack = api_value_to_dlpack;
  t.value_to_native_tensor = api_value_to_native_tensor;
  t.value_size = api_value_size;
  t.value_list_at = api_value_list_at;
  t.value_dict_key_at = api_value_dict_key_at;
  t.value_dict_at = api_value_dict_at;
  t.value_dict_get = api_value_dict_get;
  t.value_repr = api_value_repr;
  t.value_new_none = api_value_new_none;
  t.value_new_bool = api_value_new_bool;
  t.value_new_int = api_value_new_int;
  t.value_new_float = api_value_new_float;
  t.value_new_string = api_value_new_string;
  t.value_new_list = api_value_new_list;
  t.value_new_dict = api_value_new_dict;
  t.value_list_append = api_value_list_append;
  t.value_dict_set = api_value_dict_set;
  t.value_from_dlpack = api_value_from_dlpack;
  t.value_from_native_tensor = api_value_from_native_tensor;
  t.value_retain = api_value_retain;
  t.value_release = api_value_release;
  t.get_component = api_get_component;
  t.get_config = api_get_config;
  t.loop_step = api_loop_step;
  t.loop_args = api_loop_args;
  t.progress = api_progress;
  t.current_ctx = api_current_ctx;

  t.component_call = api_component_call;
  t.component_native = api_component_native;
  return t;
}

}  // namespace

const brick_host_api* host_api() {
  static const brick_host_api table = make_table();
  return &table;
}

}  // namespace brick::host::detail
