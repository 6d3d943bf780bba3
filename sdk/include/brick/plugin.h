// Exporting a plugin. Include this in exactly one file of the plugin, and
// list its blocks there:
//
//   #include <brick/plugin.h>
//   BRICK_PLUGIN("example", "1.0.0", "Example blocks") {
//     plugin.add<Scale>("Scale");
//     plugin.add<Shift>("Shift", "adds a constant");
//   }
//
// The macro defines the two symbols the host looks for (brick_abi.h) and the
// adapters that turn C ABI calls into calls on your classes, catching every
// exception at the boundary. Nothing runs at load time: the list is built on
// the host's first call of the entry point.
#pragma once

#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "brick/sdk.h"
#include "brick/sdk/torch_fingerprint.h"

#ifdef BRICK_SDK_TENSOR_EXCHANGE_DLPACK
#include <ATen/DLConvertor.h>
#endif

namespace brick {

namespace detail {

const brick_host_api* g_host = nullptr;

// The ctx of the block call running on this thread, for brick::log. A plain
// pointer: plugins keep no thread_local with a destructor (reload trap T2).
static thread_local brick_ctx* t_current_ctx = nullptr;

struct CurrentCtx {
  explicit CurrentCtx(brick_ctx* ctx) : saved(t_current_ctx) { t_current_ctx = ctx; }
  ~CurrentCtx() { t_current_ctx = saved; }
  brick_ctx* saved;
};

#ifdef BRICK_SDK_TENSOR_EXCHANGE_DLPACK
at::Tensor tensor_from_value(brick_value v) {
  DLManagedTensor* managed = nullptr;
  check(host().value_to_dlpack(v, &managed), "tensor from DLPack");
  return at::fromDLPack(managed);
}
brick_value tensor_to_value(const at::Tensor& t) {
  return host().value_from_dlpack(t_current_ctx, at::toDLPack(t));
}
#else
at::Tensor tensor_from_value(brick_value v) {
  void* impl = nullptr;
  check(host().value_to_native_tensor(v, &impl), "native tensor");
  return at::Tensor(c10::intrusive_ptr<c10::TensorImpl, c10::UndefinedTensorImpl>::reclaim(
      static_cast<c10::TensorImpl*>(impl)));
}
brick_value tensor_to_value(const at::Tensor& t) {
  at::Tensor reference = t;
  return host().value_from_native_tensor(reference.unsafeReleaseTensorImpl());
}
#endif

// Runs f, turning any exception into a status plus a message for the host.
template <class F>
brick_status guard(brick_ctx* ctx, F&& f) noexcept {
  try {
    f();
    return BRICK_OK;
  } catch (const Error& e) {
    host().set_error(ctx, e.what());
    return e.status();
  } catch (const c10::Error& e) {
    host().set_error(ctx, e.what_without_backtrace());
    return BRICK_ERR_BLOCK_FAILED;
  } catch (const std::bad_alloc&) {
    host().set_error(ctx, "out of memory");
    return BRICK_ERR_OUT_OF_MEMORY;
  } catch (const std::exception& e) {
    host().set_error(ctx, e.what());
    return BRICK_ERR_BLOCK_FAILED;
  } catch (...) {
    host().set_error(ctx, "unknown exception (not derived from std::exception)");
    return BRICK_ERR_BLOCK_FAILED;
  }
}

inline const char* c_str_or_null(const std::string& s) { return s.empty() ? nullptr : s.c_str(); }

// A block's declarations in C form, with the strings they point into.
class DeclStorage {
 public:
  DeclStorage(const std::string& class_name, const ModularPipelineBlocks& block)
      : name_(class_name),
        description_(block.description()),
        model_name_(block.model_name()),
        inputs_(block.inputs()),
        intermediate_inputs_(block.intermediate_inputs()),
        outputs_(block.intermediate_outputs()),
        components_(block.expected_components()),
        configs_(block.expected_configs()) {
    convert_inputs(inputs_, c_inputs_, p_inputs_);
    convert_inputs(intermediate_inputs_, c_intermediate_inputs_, p_intermediate_inputs_);
    for (const OutputParam& o : outputs_) {
      brick_output_param c{};
      c.struct_size = sizeof c;
      c.name = o.name.c_str();
      c.type_hint = c_str_or_null(o.type_hint);
      c.description = c_str_or_null(o.description);
      c.kwargs_type = c_str_or_null(o.kwargs_type);
      c.metadata_json = c_str_or_null(o.metadata_json);
      c_outputs_.push_back(c);
    }
    for (const ComponentSpec& s : components_) {
      brick_component_spec c{};
      c.struct_size = sizeof c;
      c.default_creation_method = s.from_config ? BRICK_CREATE_FROM_CONFIG : BRICK_CREATE_FROM_PRETRAINED;
      c.name = s.name.c_str();
      c.type_hint = c_str_or_null(s.type_hint);
      c.description = c_str_or_null(s.description);
      c.config_json = c_str_or_null(s.config_json);
      c.pretrained_model_name_or_path = c_str_or_null(s.pretrained_model_name_or_path);
      c.subfolder = c_str_or_null(s.subfolder);
      c.variant = c_str_or_null(s.variant);
      c.revision = c_str_or_null(s.revision);
      c_components_.push_back(c);
    }
    for (const ConfigSpec& s : configs_) {
      brick_config_spec c{};
      c.struct_size = sizeof c;
      c.name = s.name.c_str();
      c.default_json = s.default_json.c_str();
      c.description = c_str_or_null(s.description);
      c_configs_.push_back(c);
    }
    for (const auto& c : c_outputs_) p_outputs_.push_back(&c);
    for (const auto& c : c_components_) p_components_.push_back(&c);
    for (const auto& c : c_configs_) p_configs_.push_back(&c);

    decl_.struct_size = sizeof decl_;
    decl_.name = name_.c_str();
    decl_.description = c_str_or_null(description_);
    decl_.model_name = c_str_or_null(model_name_);
    decl_.inputs = p_inputs_.data();
    decl_.num_inputs = static_cast<uint32_t>(p_inputs_.size());
    decl_.intermediate_inputs = p_intermediate_inputs_.data();
    decl_.num_intermediate_inputs = static_cast<uint32_t>(p_intermediate_inputs_.size());
    decl_.intermediate_outputs = p_outputs_.data();
    decl_.num_intermediate_outputs = static_cast<uint32_t>(p_outputs_.size());
    decl_.expected_components = p_components_.data();
    decl_.num_expected_components = static_cast<uint32_t>(p_components_.size());
    decl_.expected_configs = p_configs_.data();
    decl_.num_expected_configs = static_cast<uint32_t>(p_configs_.size());

    slots_.block_name = class_name;
    auto add_slot = [this](const std::string& n) {
      if (slots_.find(n) < 0) slots_.names.push_back(n);
    };
    for (const InputParam& p : inputs_) if (p.name) add_slot(*p.name);
    for (const InputParam& p : intermediate_inputs_) if (p.name) add_slot(*p.name);
    for (const OutputParam& o : outputs_) add_slot(o.name);
  }
  DeclStorage(const DeclStorage&) = delete;
  DeclStorage& operator=(const DeclStorage&) = delete;

  const brick_block_decl* decl() const { return &decl_; }
  const SlotTable* slots() const { return &slots_; }

 private:
  static void convert_inputs(const std::vector<InputParam>& params, std::vector<brick_input_param>& out,
                             std::vector<const brick_input_param*>& pointers) {
    for (const InputParam& p : params) {
      brick_input_param c{};
      c.struct_size = sizeof c;
      c.required = p.required ? 1u : 0u;
      c.name = p.name ? p.name->c_str() : nullptr;
      c.type_hint = c_str_or_null(p.type_hint);
      c.default_json = p.default_json ? p.default_json->c_str() : nullptr;
      c.description = c_str_or_null(p.description);
      c.kwargs_type = c_str_or_null(p.kwargs_type);
      c.metadata_json = c_str_or_null(p.metadata_json);
      out.push_back(c);
    }
    for (const auto& c : out) pointers.push_back(&c);
  }

  std::string name_, description_, model_name_;
  std::vector<InputParam> inputs_, intermediate_inputs_;
  std::vector<OutputParam> outputs_;
  std::vector<ComponentSpec> components_;
  std::vector<ConfigSpec> configs_;
  std::vector<brick_input_param> c_inputs_, c_intermediate_inputs_;
  std::vector<brick_output_param> c_outputs_;
  std::vector<brick_component_spec> c_components_;
  std::vector<brick_config_spec> c_configs_;
  std::vector<const brick_input_param*> p_inputs_, p_intermediate_inputs_;
  std::vector<const brick_output_param*> p_outputs_;
  std::vector<const brick_component_spec*> p_components_;
  std::vector<const brick_config_spec*> p_configs_;
  brick_block_decl decl_{};
  SlotTable slots_;
};

// One exported block class.
struct ClassEntry : brick_block_class {
  std::string name_storage;
  std::string description_storage;
};

// A block instance: the C vtable followed by the C++ object.
template <class B>
struct BlockInstance : brick_block {
  std::unique_ptr<B> impl;
  std::shared_ptr<const DeclStorage> storage;

  BlockInstance(std::unique_ptr<B> block, std::shared_ptr<const DeclStorage> decls)
      : brick_block{}, impl(std::move(block)), storage(std::move(decls)) {
    struct_size = sizeof(brick_block);
    decl = storage->decl();
    call = &BlockInstance::call_impl;
    clone = &BlockInstance::clone_impl;
    destroy = &BlockInstance::destroy_impl;
    impl->bind_slots(storage->slots());
  }

  static brick_status call_impl(brick_block* self, brick_ctx* ctx) {
    auto* instance = static_cast<BlockInstance*>(self);
    CurrentCtx scope(ctx);
    return guard(ctx, [&] {
      Components components(ctx);
      PipelineState state(ctx);
      (*instance->impl)(components, state);
    });
  }

  static brick_status clone_impl(const brick_block* self, brick_ctx* ctx, brick_block** out) {
    const auto* instance = static_cast<const BlockInstance*>(self);
    CurrentCtx scope(ctx);
    return guard(ctx, [&] {
      if constexpr (std::is_copy_constructible_v<B>) {
        *out = new BlockInstance(std::make_unique<B>(*instance->impl), instance->storage);
      } else {
        throw Error(BRICK_ERR_UNSUPPORTED, "block '" + std::string(instance->decl->name) + "' cannot be copied");
      }
    });
  }

  static void destroy_impl(brick_block* self) { delete static_cast<BlockInstance*>(self); }

  static brick_status create(const brick_block_class* cls, brick_ctx* ctx, brick_value config, brick_block** out) {
    const auto* entry = static_cast<const ClassEntry*>(cls);
    CurrentCtx scope(ctx);
    return guard(ctx, [&] {
      std::unique_ptr<B> block;
      if constexpr (std::is_constructible_v<B, ValueRef>) {
        block = std::make_unique<B>(ValueRef(config));
      } else {
        if (config && host().value_size(config) > 0) {
          throw Error(BRICK_ERR_INVALID_ARGUMENT, "block '" + entry->name_storage + "' takes no configuration");
        }
        block = std::make_unique<B>();
      }
      auto storage = std::make_shared<const DeclStorage>(entry->name_storage, *block);
      *out = new BlockInstance(std::move(block), std::move(storage));
    });
  }
};

}  // namespace detail

// The list of blocks a plugin exports, filled in the BRICK_PLUGIN body.
class PluginBuilder {
 public:
  template <class B>
  PluginBuilder& add(std::string name, std::string description = {}) {
    static_assert(std::is_base_of_v<ModularPipelineBlocks, B>, "blocks derive from brick::ModularPipelineBlocks");
    auto entry = std::make_unique<detail::ClassEntry>();
    entry->struct_size = sizeof(brick_block_class);
    entry->name_storage = std::move(name);
    entry->description_storage = std::move(description);
    entry->create = &detail::BlockInstance<B>::create;
    classes_.push_back(std::move(entry));
    return *this;
  }

  // Builds the descriptor; called once, from the entry point.
  const brick_plugin* finish(const char* name, const char* version, const char* description) {
    for (auto& entry : classes_) {
      entry->name = entry->name_storage.c_str();
      entry->description = detail::c_str_or_null(entry->description_storage);
      pointers_.push_back(entry.get());
    }
    plugin_.struct_size = sizeof plugin_;
    plugin_.name = name;
    plugin_.version = version;
    plugin_.description = description;
    plugin_.torch_fingerprint = BRICK_TORCH_FINGERPRINT;
    plugin_.block_classes = pointers_.data();
    plugin_.num_block_classes = static_cast<uint32_t>(pointers_.size());
    return &plugin_;
  }

 private:
  std::vector<std::unique_ptr<detail::ClassEntry>> classes_;
  std::vector<const brick_block_class*> pointers_;
  brick_plugin plugin_{};
};

void log(int32_t level, const std::string& message) {
  if (detail::g_host) detail::host().log(detail::t_current_ctx, level, message.c_str());
}

namespace detail {
const brick_plugin* plugin_entry(const brick_host_api* host_api, brick_ctx* ctx, const char* name,
                                 const char* version, const char* description,
                                 void (*define)(PluginBuilder&)) {
  if (!host_api || host_api->abi_major != BRICK_ABI_VERSION_MAJOR ||
      host_api->struct_size < sizeof(brick_host_api)) {
    return nullptr;  // the host checks the ABI tag first; this guards hand-made hosts
  }
  g_host = host_api;
  static std::mutex mutex;
  static std::unique_ptr<PluginBuilder> builder;
  static const brick_plugin* descriptor = nullptr;
  std::lock_guard<std::mutex> lock(mutex);
  if (descriptor) return descriptor;
  guard(ctx, [&] {
    auto fresh = std::make_unique<PluginBuilder>();
    define(*fresh);
    descriptor = fresh->finish(name, version, description);
    builder = std::move(fresh);
  });
  return descriptor;
}
}  // namespace detail

}  // namespace brick

#define BRICK_PLUGIN(NAME, VERSION, DESCRIPTION)                                                         \
  static void brick_plugin_define_(::brick::PluginBuilder& plugin);                                       \
  extern "C" BRICK_EXPORT const brick_abi_tag brick_plugin_abi = {                                        \
      BRICK_ABI_MAGIC, BRICK_ABI_VERSION_MAJOR, BRICK_ABI_VERSION_MINOR};                                 \
  extern "C" BRICK_EXPORT const brick_plugin* brick_plugin_entry(const brick_host_api* host, brick_ctx* ctx) { \
    return ::brick::detail::plugin_entry(host, ctx, NAME, VERSION, DESCRIPTION, &brick_plugin_define_);   \
  }                                                                                                       \
  static void brick_plugin_define_(::brick::PluginBuilder& plugin)
