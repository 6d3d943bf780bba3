// ModularPipeline's components: lookups, load/update/unload, and the modular
// repository (from_pretrained / save_pretrained). diffusers v0.40
// modular_pipeline.py, section 7 of the semantics reference.
#include <algorithm>
#include <system_error>

#include "brick/host/base/error.h"
#include "brick/host/base/log.h"
#include "brick/host/components/components_manager.h"
#include "brick/host/components/model_search_path.h"
#include "brick/host/loader/host.h"
#include "brick/host/params/component_spec.h"
#include "brick/host/pipeline/modular_pipeline.h"
#include "brick/host/value/object.h"

namespace brick::host {

namespace fs = std::filesystem;

namespace {

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out = "[";
  for (const std::string& name : names) {
    if (out.size() > 1) out += ", ";
    out += "'" + name + "'";
  }
  return out + "]";
}

}  // namespace

ComponentSpec* ModularPipeline::find_spec(std::string_view name) {
  for (ComponentSpec& spec : component_specs_) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

ComponentSpec ModularPipeline::get_component_spec(std::string_view name) const {
  for (const ComponentSpec& spec : component_specs_) {
    if (spec.name == name) return spec;
  }
  throw Error(BRICK_ERR_NOT_FOUND, "the pipeline has no component '" + std::string(name) + "'");
}

void ModularPipeline::set_component_spec(ComponentSpec spec) {
  ComponentSpec* found = find_spec(spec.name);
  if (!found) get_component_spec(spec.name);  // throws NOT_FOUND
  *found = std::move(spec);
  components_.set(found->name, Value());  // the old object no longer matches its spec
  create_components();
}

Value ModularPipeline::component(std::string_view name) const {
  get_component_spec(name);  // throws for unknown names
  const Value* found = components_.get(name);
  return found ? *found : Value();
}

std::vector<std::string> ModularPipeline::component_names() const {
  std::vector<std::string> out;
  for (const ComponentSpec& spec : component_specs_) out.push_back(spec.name);
  return out;
}

std::vector<std::string> ModularPipeline::null_component_names() const {
  std::vector<std::string> out;
  for (const ComponentSpec& spec : component_specs_) {
    const Value* found = components_.get(spec.name);
    if (!found || found->is_none()) out.push_back(spec.name);
  }
  return out;
}

std::vector<std::string> ModularPipeline::pretrained_component_names() const {
  std::vector<std::string> out;
  for (const ComponentSpec& spec : component_specs_) {
    if (spec.default_creation_method == CreationMethod::FromPretrained) out.push_back(spec.name);
  }
  return out;
}

std::vector<std::string> ModularPipeline::config_component_names() const {
  std::vector<std::string> out;
  for (const ComponentSpec& spec : component_specs_) {
    if (spec.default_creation_method == CreationMethod::FromConfig) out.push_back(spec.name);
  }
  return out;
}

void ModularPipeline::register_component(const std::string& name, Value component) {
  const ComponentSpec* spec = find_spec(name);
  if (!spec) {
    log_warning("ModularPipeline.register_components: skipping unknown component '" + name + "'");
    return;
  }
  const Value* current = components_.get(name);
  if (current && current->is(component)) return;  // the same object again: nothing to do
  // The previous object leaves the manager.
  auto id = std::find_if(manager_ids_.begin(), manager_ids_.end(), [&](const auto& p) { return p.first == name; });
  if (id != manager_ids_.end()) {
    std::vector<std::string> still = options_.components_manager->ids();
    if (std::find(still.begin(), still.end(), id->second) != still.end())
      options_.components_manager->remove(id->second);
    manager_ids_.erase(id);
  }
  components_.set(name, component);
  if (spec->default_creation_method == CreationMethod::FromPretrained && !component.is_none() &&
      options_.components_manager) {
    manager_ids_.emplace_back(name, options_.components_manager->add(name, component, options_.collection));
  }
}

LoadReport ModularPipeline::load_components(const LoadOptions& options) {
  std::vector<std::string> names;
  for (const ComponentSpec& spec : component_specs_) {
    const Value* current = components_.get(spec.name);
    if (spec.default_creation_method == CreationMethod::FromPretrained && spec.pretrained_model_name_or_path &&
        (!current || current->is_none())) {
      names.push_back(spec.name);
    }
  }
  return load_components(names, options);
}

LoadReport ModularPipeline::load_components(const std::vector<std::string>& names, const LoadOptions& options) {
  LoadReport report;
  std::vector<std::string> unknown;
  for (const std::string& name : names) {
    const ComponentSpec* spec = find_spec(name);
    if (!spec) {
      unknown.push_back(name);
      continue;
    }
    try {
      // A pipeline moved to a device (to()) loads onto it unless told otherwise.
      LoadOptions where = options;
      if (!where.device && components_.device().device_type != 1) where.device = components_.device();
      register_component(name, Value(options_.component_types->load(*spec, where)));
      report.loaded.push_back(name);
    } catch (const std::exception& e) {
      log_warning("Failed to load " + name + ": " + e.what());
      report.failed.emplace_back(name, e.what());
      component_failures_[name] = std::string("loading it failed: ") + e.what();
    }
  }
  if (!unknown.empty()) {
    log_warning("Unknown components will be ignored: " + quoted_list(unknown) +
                ". Known components are: " + quoted_list(component_names()));
  }
  return report;
}

LoadReport ModularPipeline::load_workflow_components(std::string_view workflow, const LoadOptions& options) {
  std::unique_ptr<ModularPipelineBlocks> pruned = current_blocks()->get_workflow(workflow);
  std::vector<std::string> used;
  if (pruned) {
    for (const ComponentSpec& spec : pruned->expected_components()) used.push_back(spec.name);
  }
  std::vector<std::string> names;
  for (const ComponentSpec& spec : component_specs_) {
    const Value* current = components_.get(spec.name);
    if (spec.default_creation_method == CreationMethod::FromPretrained && spec.pretrained_model_name_or_path &&
        (!current || current->is_none()) && std::find(used.begin(), used.end(), spec.name) != used.end()) {
      names.push_back(spec.name);
    }
  }
  return load_components(names, options);
}

void ModularPipeline::set_component_type(std::string_view name, std::string_view type) {
  ComponentSpec spec = get_component_spec(name);
  std::string type_hint;
  try {
    type_hint = options_.component_types->resolve(type);
  } catch (const Error& e) {
    throw Error(e.status(), "component '" + std::string(name) + "': " + e.what());
  }
  Value current = component(name);
  recreate_component(name, type_hint, current.is_object() ? current.as_object()->config() : spec.config);
}

void ModularPipeline::set_component_config(std::string_view name, const Value::Dict& changes) {
  ComponentSpec spec = get_component_spec(name);
  Value current = component(name);
  std::string type_hint = spec.type_hint;
  Value::Dict config;
  Value weights;
  if (current.is_object()) {
    std::shared_ptr<Object> object = current.as_object();
    if (object->is_model()) {
      throw Error(BRICK_ERR_UNSUPPORTED, "component '" + std::string(name) + "' is a set of weights (" +
                                             object->class_name() + "), not made from a config");
    }
    type_hint = join_type_hint(object->library(), object->class_name());
    Value from = object->config();
    if (from.kind() == Value::Kind::Dict) config = from.as_dict();
    // A plugin model keeps its weights: the new object loads the old one's
    // state_dict (the same migration a plugin reload does).
    try {
      weights = object->call("state_dict", Value());
    } catch (const Error& e) {
      if (e.status() != BRICK_ERR_UNKNOWN_METHOD) throw;  // a type without weights
    }
  } else if (spec.config.kind() == Value::Kind::Dict) {
    config = spec.config.as_dict();
  }
  for (const auto& [key, value] : changes) {
    auto it = std::find_if(config.begin(), config.end(), [&](const auto& entry) { return entry.first == key; });
    if (it != config.end()) {
      it->second = value;
    } else {
      config.emplace_back(key, value);
    }
  }
  recreate_component(name, type_hint, Value::dict(std::move(config)), weights);
}

void ModularPipeline::recreate_component(std::string_view name, const std::string& type_hint, const Value& config,
                                         const Value& weights) {
  ComponentSpec spec = get_component_spec(name);
  spec.type_hint = type_hint;
  std::shared_ptr<Object> object = options_.component_types->create(spec, config);
  if (weights.kind() == Value::Kind::Dict && !weights.as_dict().empty()) {
    try {
      object->call("load_state_dict", Value::dict({{"state_dict", weights}}));
    } catch (const Error& e) {
      throw Error(e.status(),
                  "component '" + std::string(name) + "': the new config does not fit its weights: " + e.what());
    }
  }
  object->to(components_.device());
  update_components({{std::string(name), Value(std::move(object))}});
  component_failures_.erase(std::string(name));
}

void ModularPipeline::update_components(const Value::Dict& updates) {
  std::vector<std::string> unexpected;
  // Specs first, for every component passed (diffusers does all specs, then
  // registers them together).
  std::vector<std::pair<std::string, Value>> to_register;
  std::vector<std::pair<std::string, Value>> configs;
  for (const auto& [name, value] : updates) {
    if (ComponentSpec* spec = find_spec(name)) {
      ComponentSpec updated;
      if (value.is_none()) {
        updated = *spec;
        const Value* current = components_.get(name);
        if (current && !current->is_none()) {
          log_warning("ModularPipeline.update_components: setting " + name + " to None (spec unchanged)");
        }
      } else if (spec->default_creation_method == CreationMethod::FromPretrained &&
                 (!value.is_object() || value.as_object()->load_id().empty())) {
        // An untagged object in a from_pretrained slot: a path-less spec
        // with its type, which save_pretrained points at the saved copy.
        updated.name = name;
        updated.type_hint = value.is_object()
                                ? join_type_hint(value.as_object()->library(), value.as_object()->class_name())
                                : std::string(value.kind_name());
      } else {
        updated = spec_from_component(name, value);
      }
      updated.description = spec->description;
      if (updated.default_creation_method != spec->default_creation_method) {
        log(LogLevel::Debug, "brick",
            "ModularPipeline.update_components: changing the default_creation_method of " + name + " from " +
                creation_method_name(spec->default_creation_method) + " to " +
                creation_method_name(updated.default_creation_method) + ".");
      }
      *spec = std::move(updated);
      to_register.emplace_back(name, value);
    } else if (std::any_of(config_specs_.begin(), config_specs_.end(),
                           [&](const ConfigSpec& c) { return c.name == name; })) {
      configs.emplace_back(name, value);
    } else {
      unexpected.push_back(name);
    }
  }
  if (!unexpected.empty()) {
    log_warning("Unexpected keyword arguments, will be ignored: dict_keys(" + quoted_list(unexpected) + ")");
  }
  for (auto& [name, value] : to_register) register_component(name, std::move(value));
  for (auto& [name, value] : configs) {
    for (ConfigSpec& spec : config_specs_) {
      if (spec.name == name) spec.default_value = value;
    }
    components_.set_config(name, value);
  }
}

void ModularPipeline::unload_components(const std::vector<std::string>& names) {
  std::vector<std::string> unknown;
  for (const std::string& name : names) {
    if (!find_spec(name)) {
      unknown.push_back(name);
      continue;
    }
    const Value* current = components_.get(name);
    if (!current || current->is_none()) continue;
    Value old = *current;
    register_component(name, Value());
    // A model leaves the device it was on (diffusers frees it with gc and
    // empty_cache); other pipelines sharing the object keep it.
    if (old.is_object() && old.as_object()->is_model() && old.as_object()->device().device_type != 1 &&
        old.as_object().use_count() <= 2) {
      old.as_object()->to(brick_device{1, 0});
    }
  }
  if (!unknown.empty()) log_warning("Unknown components will be ignored: " + quoted_list(unknown));
}

ModularModelIndex ModularPipeline::modular_model_index() const {
  ModularModelIndex index;
  index.class_name = class_name_;
  index.diffusers_version = diffusers_version_;
  index.blocks_class_name = current_blocks()->class_name();
  for (const ConfigSpec& spec : config_specs_) {
    const Value* value = components_.config(spec.name);
    index.configs.emplace_back(spec.name, value ? *value : spec.default_value);
  }
  for (const auto& item : extra_configs_) index.configs.push_back(item);
  for (const ComponentSpec& spec : component_specs_) {
    if (spec.default_creation_method != CreationMethod::FromPretrained) continue;  // from_config is not stored
    ModularIndexEntry entry;
    const Value* current = components_.get(spec.name);
    if (current && current->is_object()) {
      entry.library = current->as_object()->library();
      entry.class_name = current->as_object()->class_name();
    }
    entry.spec = spec;
    index.components.emplace_back(spec.name, std::move(entry));
  }
  for (const auto& item : extra_components_) index.components.push_back(item);
  return index;
}

void ModularPipeline::to(brick_device device, void* stream) {
  components_.set_device(device, stream);
  for (const auto& [name, component] : components_.all()) {
    if (component.kind() == Value::Kind::Object) component.as_object()->to(device);
  }
}

void ModularPipeline::save_pretrained(const fs::path& dir, const SaveOptions& options) {
  fs::create_directories(dir);
  for (ComponentSpec& spec : component_specs_) {
    if (spec.default_creation_method != CreationMethod::FromPretrained) continue;
    const Value* current = components_.get(spec.name);
    if (!current || current->is_none()) continue;
    if (!current->is_object()) {
      throw Error(BRICK_ERR_UNSUPPORTED, "save_pretrained: component '" + spec.name + "' is a " + current->kind_name() +
                                             ", which has no save method");
    }
    std::shared_ptr<Object> object = current->as_object();
    object->save(dir / spec.name);
    bool has_load_id = decode_load_id(object->load_id()).has_value();
    if (!has_load_id || options.overwrite_modular_index) {
      spec.pretrained_model_name_or_path = dir.string();
      spec.subfolder = spec.name;
      spec.variant.reset();
      spec.revision.reset();
      // What was saved is now where the spec points.
      object->set_load_id(spec.load_id());
    }
  }
  write_modular_model_index(dir, modular_model_index());
}

ModularPipeline ModularPipeline::from_pretrained(const fs::path& pretrained_model_name_or_path,
                                                 std::unique_ptr<ModularPipelineBlocks> blocks,
                                                 PipelineOptions options) {
  // A folder, a name on the model search path, or a hub id in the local cache.
  fs::path path = resolve_model_repository(pretrained_model_name_or_path);
  ModularModelIndex index;
  std::error_code ec;
  if (fs::is_regular_file(path / kModularModelIndexFile, ec)) {
    index = read_modular_model_index(path);
  } else if (fs::is_regular_file(path / kModelIndexFile, ec)) {
    index = read_model_index(path);
  } else {
    throw Error(BRICK_ERR_NOT_FOUND, "Failed to load config from '" + path.string() +
                                         "'. Could not find or load 'modular_model_index.json' or 'model_index.json'.");
  }
  ModularPipeline pipe(std::move(blocks), std::move(options));
  pipe.class_name_ = index.class_name;
  pipe.diffusers_version_ = index.diffusers_version;
  for (auto& [name, entry] : index.components) {
    ComponentSpec* spec = pipe.find_spec(name);
    if (!spec) {
      pipe.extra_components_.emplace_back(name, std::move(entry));
      continue;
    }
    // The entry's spec replaces the block's, and is loaded from_pretrained.
    std::string description = spec->description;
    *spec = entry.spec;
    spec->description = description;
    spec->default_creation_method = CreationMethod::FromPretrained;
    const Value* current = pipe.components_.get(name);
    if (current && !current->is_none()) pipe.register_component(name, Value());  // it was created from a config
  }
  for (auto& [name, value] : index.configs) {
    auto spec = std::find_if(pipe.config_specs_.begin(), pipe.config_specs_.end(),
                             [&](const ConfigSpec& c) { return c.name == name; });
    if (spec == pipe.config_specs_.end()) {
      pipe.extra_configs_.emplace_back(name, value);
      continue;
    }
    spec->default_value = value;
    pipe.components_.set_config(name, value);
  }
  return pipe;
}

ModularPipeline ModularPipeline::from_pretrained(const fs::path& pretrained_model_name_or_path, const Host& host,
                                                 PipelineOptions options, std::string_view default_blocks) {
  fs::path path = resolve_model_repository(pretrained_model_name_or_path);
  std::optional<std::string> blocks_name;
  std::error_code ec;
  if (fs::is_regular_file(path / kModularModelIndexFile, ec)) {
    blocks_name = read_modular_model_index(path).blocks_class_name;
  }
  bool known = false;
  if (blocks_name) {
    try {
      host.block_class(*blocks_name);
      known = true;
    } catch (const Error&) {
    }
  }
  std::unique_ptr<ModularPipelineBlocks> blocks;
  if (known) {
    blocks = host.create_block(*blocks_name);
  } else if (!default_blocks.empty()) {
    // A saved pipeline whose blocks class the host does not know (a generic
    // composite such as "SequentialPipelineBlocks"): diffusers falls back to
    // the pipeline's default_blocks_name.
    blocks = host.create_block(default_blocks);
  } else {
    throw Error(BRICK_ERR_NOT_FOUND, "'" + (path / kModularModelIndexFile).string() + "' names blocks class " +
                                         (blocks_name ? "'" + *blocks_name + "'" : std::string("null")) +
                                         ", which no loaded plugin provides, and no default blocks were given");
  }
  if (!options.component_types) options.component_types = host.component_types();
  if (!options.host) options.host = &host;
  return from_pretrained(path, std::move(blocks), std::move(options));
}

}  // namespace brick::host
