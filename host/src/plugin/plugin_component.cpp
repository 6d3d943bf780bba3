#include "plugin_component.h"

#include <fstream>

#include "brick/host/components/safetensors.h"
#include "brick/host/components/weight_files.h"

#include "brick/host/base/error.h"
#include "brick/host/components/modular_repository.h"
#include "brick/host/plugin/plugin.h"
#include "call_context.h"
#include "call_scope.h"

namespace brick::host::detail {

PluginComponent::PluginComponent(std::shared_ptr<const Plugin> plugin, std::string class_name,
                                 brick_component* instance, Value config)
    : plugin_(std::move(plugin)), class_name_(std::move(class_name)), instance_(instance), config_(std::move(config)) {}

PluginComponent::~PluginComponent() {
  if (!instance_ || !instance_->destroy) return;
  CallScope scope(plugin_.get(), "component '" + library() + "." + class_name_ + "' (destroy)", nullptr,
                  Inference::Inherit);
  instance_->destroy(instance_);
}

std::string PluginComponent::origin_version() const {
  return plugin_->version() + " (generation " + std::to_string(plugin_->generation()) + ")";
}

std::string PluginComponent::library() const { return plugin_->name(); }

Value PluginComponent::config() const {
  if (instance_->struct_size > offsetof(brick_component, config) && instance_->config) {
    // A ctx of its own, so that a failure reported through current_ctx()
    // lands here and is not mistaken for "no config" (ABI 1.2).
    brick_ctx ctx;
    ctx.plugin = plugin_.get();
    brick_value owned;
    {
      CallScope scope(plugin_.get(), "component '" + library() + "." + class_name_ + "' (config)", nullptr,
                      Inference::Inherit);
      owned = instance_->config(instance_);
    }
    std::unique_ptr<Value> value(value_of(owned));
    if (!ctx.error.empty()) {
      throw Error(BRICK_ERR_BLOCK_FAILED,
                  "component '" + library() + "." + class_name_ + "': its config cannot be made: " + ctx.error);
    }
    if (value) return *value;
  }
  return config_;
}

Value PluginComponent::call(std::string_view method, const Value& args) {
  std::string name(method);
  brick_ctx ctx;
  ctx.plugin = plugin_.get();
  brick_value out = nullptr;
  brick_status status;
  {
    CallScope scope(plugin_.get(), "component '" + library() + "." + class_name_ + "' method '" + name + "'", nullptr,
                    Inference::Inherit);
    status = instance_->call(instance_, &ctx, name.c_str(), args.is_none() ? nullptr : handle_of(&args), &out);
  }
  std::unique_ptr<Value> result(value_of(out));
  if (status == BRICK_ERR_NOT_FOUND && plugin_->abi().minor < 2) {
    // A plugin built for ABI 1.1 had no status of its own for an unknown
    // method: its SDK said NOT_FOUND "component has no method '<method>'".
    std::string unanswered = "component has no method '" + name + "'";
    if (ctx.error.size() >= unanswered.size() &&
        ctx.error.compare(ctx.error.size() - unanswered.size(), unanswered.size(), unanswered) == 0) {
      status = BRICK_ERR_UNKNOWN_METHOD;
    }
  }
  if (status != BRICK_OK) {
    std::string message = plugin_->name() + "." + class_name_ + "." + name + ": ";
    message += ctx.error.empty() ? std::string(brick_status_name(status)) : ctx.error;
    throw Error(status, message);
  }
  return result ? std::move(*result) : Value();
}

std::optional<Value> PluginComponent::call_if_answered(std::string_view method, const Value& args) {
  try {
    return call(method, args);
  } catch (const Error& e) {
    if (e.status() == BRICK_ERR_UNKNOWN_METHOD) return std::nullopt;  // call() also maps a 1.1 plugin's
    throw;
  }
}

void PluginComponent::save(const std::filesystem::path& folder) const {
  std::filesystem::create_directories(folder);
  // A type whose folder is more than config.json and weights (a tokenizer's
  // vocabulary files) writes it itself, as transformers' save_pretrained does.
  // Saving is a query of the component: calling it on a const one is safe by contract.
  Value where = Value::dict({{"save_directory", Value(folder.string())}});
  if (const_cast<PluginComponent*>(this)->call_if_answered("save_pretrained", where)) return;
  Value current = config();  // first: a config that cannot be made leaves no file behind
  std::filesystem::path file = folder / "config.json";
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << python_json_dumps(current.is_none() ? Value::dict({}) : current) << "\n";
  if (!out) throw Error(BRICK_ERR_INTERNAL, "cannot write '" + file.string() + "'");
  out.close();
  // state_dict is a query: calling it on a const component is safe by contract.
  std::optional<Value> weights = const_cast<PluginComponent*>(this)->call_if_answered("state_dict", Value());
  if (!weights || weights->is_none()) return;
  if (weights->kind() != Value::Kind::Dict) {
    throw Error(BRICK_ERR_TYPE_MISMATCH, plugin_->name() + "." + class_name_ + ".state_dict returned " +
                                             weights->kind_name() + ", expected a dict of tensors");
  }
  Value::Dict tensors;
  for (const auto& [name, tensor] : weights->as_dict()) {
    if (tensor.kind() != Value::Kind::Tensor) {
      throw Error(BRICK_ERR_TYPE_MISMATCH, plugin_->name() + "." + class_name_ + ".state_dict: '" + name + "' is " +
                                               tensor.kind_name() + ", not a tensor");
    }
    tensors.emplace_back(name, tensor);  // write_safetensors brings them to the CPU
  }
  if (!tensors.empty()) write_safetensors(folder / "model.safetensors", tensors);
}

void PluginComponent::to(brick_device device) {
  std::string name = device.device_type == 2 ? "cuda:" + std::to_string(device.device_id) : std::string("cpu");
  call_if_answered("to", Value::dict({{"device", Value(name)}}));
  device_ = device;
}

void* PluginComponent::native(const Plugin* caller, const char* type_id) const {
  if (caller != plugin_.get() || !type_id) return nullptr;
  if (instance_->struct_size <= offsetof(brick_component, native) || !instance_->native) return nullptr;
  return instance_->native(instance_, type_id);
}

namespace {

// The host's half of from_pretrained for a plugin type: weights come from the
// folder's safetensors (read by the host, memory-mapped) through the type's
// load_state_dict, so a plugin never parses files.
void load_weights(PluginComponent& component, const std::filesystem::path& folder, const ComponentSpec& spec,
                  const LoadOptions& options, const std::string& qualified) {
  if (!has_safetensors(folder)) return;
  LoadOptions on_cpu = options;  // the component's own `to` moves them afterwards
  on_cpu.device.reset();
  std::shared_ptr<SafetensorsWeights> weights = SafetensorsWeights::load(folder, spec, on_cpu);
  Value args = Value::dict({{"state_dict", Value::dict(weights->tensors())}});
  std::optional<Value> answered;
  try {
    answered = component.call_if_answered("load_state_dict", args);
  } catch (const Error& e) {
    // The type names the keys; the host says which files they came from.
    std::string files;
    for (const std::filesystem::path& file : weights->files())
      files += (files.empty() ? "" : ", ") + file.filename().string();
    throw Error(e.status(), "weights in '" + folder.string() + "' (" + files + "): " + e.what());
  }
  if (!answered) {
    throw Error(BRICK_ERR_UNSUPPORTED, "'" + folder.string() + "' has weights, but component type '" + qualified +
                                           "' has no load_state_dict method");
  }
}

}  // namespace

void add_plugin_component_types(const std::shared_ptr<const Plugin>& plugin,
                                const std::vector<const brick_component_class*>& classes, ComponentTypes& types) {
  for (const brick_component_class* cls : classes) {
    std::string qualified = plugin->name() + "." + cls->name;
    std::string class_name = cls->name;
    auto create = [plugin, cls, qualified, class_name](const Value& config) -> std::shared_ptr<Object> {
      if (!config.is_none() && config.kind() != Value::Kind::Dict) {
        throw Error(BRICK_ERR_INVALID_ARGUMENT,
                    "component type '" + qualified + "' takes a dict config, got " + config.kind_name());
      }
      brick_ctx ctx;
      ctx.plugin = plugin.get();
      brick_component* instance = nullptr;
      brick_status status;
      {
        CallScope scope(plugin.get(), "component '" + qualified + "' (create)", nullptr, Inference::Inherit);
        status = cls->create(cls, &ctx, config.is_none() ? nullptr : handle_of(&config), &instance);
      }
      if (status != BRICK_OK || !instance) {
        std::string why = ctx.error.empty() ? std::string(brick_status_name(status)) : ctx.error;
        throw Error(status != BRICK_OK ? status : BRICK_ERR_INTERNAL,
                    "cannot create component '" + qualified + "': " + why);
      }
      if (instance->struct_size < offsetof(brick_component, destroy) + sizeof(void*) || !instance->call ||
          !instance->destroy) {
        bool has_destroy =
            instance->struct_size >= offsetof(brick_component, destroy) + sizeof(void*) && instance->destroy;
        std::string message = "component '" + qualified + "' is incomplete: its instance has no " +
                              (has_destroy ? "call" : "destroy") + " function";
        // Refused, but still the host's to free: destroy it when the plugin gave a way.
        if (has_destroy) {
          CallScope scope(plugin.get(), "component '" + qualified + "' (destroy)", nullptr, Inference::Inherit);
          instance->destroy(instance);
        }
        throw Error(BRICK_ERR_BAD_PLUGIN, message);
      }
      return std::make_shared<PluginComponent>(plugin, class_name, instance, config);
    };
    auto load = [create, qualified](const std::filesystem::path& folder, const ComponentSpec& spec,
                                    const LoadOptions& options) -> std::shared_ptr<Object> {
      std::shared_ptr<Object> object = create(read_component_config(folder));
      auto& component = static_cast<PluginComponent&>(*object);
      load_weights(component, folder, spec, options, qualified);
      if (options.device) component.to(*options.device);
      return object;
    };
    types.add({qualified, create, load});
  }
}

}  // namespace brick::host::detail
