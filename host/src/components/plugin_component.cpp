#include "plugin_component.h"

#include <fstream>

#include "brick/host/error.h"
#include "brick/host/modular_repository.h"
#include "brick/host/plugin.h"
#include "../plugin/call_context.h"

namespace brick::host::detail {

PluginComponent::PluginComponent(std::shared_ptr<const Plugin> plugin, std::string class_name,
                                 brick_component* instance, Value config)
    : plugin_(std::move(plugin)), class_name_(std::move(class_name)), instance_(instance), config_(std::move(config)) {}

PluginComponent::~PluginComponent() {
  if (instance_ && instance_->destroy) instance_->destroy(instance_);
}

std::string PluginComponent::library() const { return plugin_->name(); }

Value PluginComponent::config() const {
  if (instance_->struct_size > offsetof(brick_component, config) && instance_->config) {
    if (brick_value owned = instance_->config(instance_)) {
      std::unique_ptr<Value> value(value_of(owned));
      return *value;
    }
  }
  return config_;
}

Value PluginComponent::call(std::string_view method, const Value& args) {
  std::string name(method);
  brick_ctx ctx;
  ctx.plugin = plugin_.get();
  brick_value out = nullptr;
  brick_status status =
      instance_->call(instance_, &ctx, name.c_str(), args.is_none() ? nullptr : handle_of(&args), &out);
  std::unique_ptr<Value> result(value_of(out));
  if (status != BRICK_OK) {
    std::string message = plugin_->name() + "." + class_name_ + "." + name + ": ";
    message += ctx.error.empty() ? std::string(brick_status_name(status)) : ctx.error;
    throw Error(status, message);
  }
  return result ? std::move(*result) : Value();
}

void PluginComponent::save(const std::filesystem::path& folder) const {
  std::filesystem::create_directories(folder);
  std::filesystem::path file = folder / "config.json";
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  Value current = config();
  out << python_json_dumps(current.is_none() ? Value::dict({}) : current) << "\n";
  if (!out) throw Error(BRICK_ERR_INTERNAL, "cannot write '" + file.string() + "'");
}

void* PluginComponent::native(const Plugin* caller, const char* type_id) const {
  if (caller != plugin_.get() || !type_id) return nullptr;
  if (instance_->struct_size <= offsetof(brick_component, native) || !instance_->native) return nullptr;
  return instance_->native(instance_, type_id);
}

void add_plugin_component_types(const std::shared_ptr<const Plugin>& plugin,
                                const std::vector<const brick_component_class*>& classes, ComponentTypes& types) {
  for (const brick_component_class* cls : classes) {
    std::string qualified = plugin->name() + "." + cls->name;
    std::string class_name = cls->name;
    types.add({qualified,
               [plugin, cls, qualified, class_name](const Value& config) -> std::shared_ptr<Object> {
                 if (!config.is_none() && config.kind() != Value::Kind::Dict) {
                   throw Error(BRICK_ERR_INVALID_ARGUMENT,
                               "component type '" + qualified + "' takes a dict config, got " + config.kind_name());
                 }
                 brick_ctx ctx;
                 ctx.plugin = plugin.get();
                 brick_component* instance = nullptr;
                 brick_status status =
                     cls->create(cls, &ctx, config.is_none() ? nullptr : handle_of(&config), &instance);
                 if (status != BRICK_OK || !instance) {
                   std::string why = ctx.error.empty() ? std::string(brick_status_name(status)) : ctx.error;
                   throw Error(status != BRICK_OK ? status : BRICK_ERR_INTERNAL,
                               "cannot create component '" + qualified + "': " + why);
                 }
                 if (instance->struct_size < offsetof(brick_component, destroy) + sizeof(void*) || !instance->call ||
                     !instance->destroy) {
                   throw Error(BRICK_ERR_BAD_PLUGIN, "component '" + qualified + "' is incomplete");
                 }
                 return std::make_shared<PluginComponent>(plugin, class_name, instance, config);
               },
               nullptr});
  }
}

}  // namespace brick::host::detail
