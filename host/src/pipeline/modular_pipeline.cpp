#include "brick/host/pipeline/modular_pipeline.h"

#include <algorithm>
#include <atomic>
#include <system_error>

#include "brick/host/components/components_manager.h"
#include "brick/host/loader/host.h"
#include "brick/host/params/component_spec.h"
#include "brick/host/pipeline/spec_merge.h"
#include "brick/host/value/object.h"

#include "brick/host/base/error.h"
#include "brick/host/base/log.h"

namespace brick::host {

// A member of the blocks, defined here because it makes a pipeline: blocks/
// sits below pipeline/ and never includes it.
ModularPipeline ModularPipelineBlocks::init_pipeline() const { return ModularPipeline(clone()); }

ModularPipeline::ModularPipeline(std::unique_ptr<ModularPipelineBlocks> blocks, PipelineOptions options)
    : blocks_(std::move(blocks)), options_(std::move(options)) {
  if (!blocks_) throw Error(BRICK_ERR_INVALID_ARGUMENT, "ModularPipeline needs blocks");
  if (options_.host) reload_epoch_ = options_.host->reload_epoch();
  if (!options_.component_types) {
    options_.component_types = std::make_shared<const ComponentTypes>(ComponentTypes::builtin());
  }
  const SpecConflicts conflicts = options_.strict_specs ? SpecConflicts::Error : SpecConflicts::Warn;
  component_specs_ = merge_component_specs(declared_components(*blocks_), conflicts);
  config_specs_ = merge_config_specs(declared_configs(*blocks_), conflicts);
  // Pipeline configs start at the defaults their blocks declare.
  for (const ConfigSpec& spec : config_specs_) components_.set_config(spec.name, spec.default_value);
  if (options_.components_manager) {
    std::weak_ptr<ComponentsManager> manager = options_.components_manager;
    components_.set_use_hook([manager](const Value& component) {
      if (auto shared = manager.lock()) shared->prepare_for_use(component);
    });
  }
  create_components();
}

ModularPipeline::~ModularPipeline() = default;
ModularPipeline::ModularPipeline(ModularPipeline&&) noexcept = default;
ModularPipeline& ModularPipeline::operator=(ModularPipeline&&) noexcept = default;

// The rest of the component handling: host/src/components/pipeline_components.cpp.
void ModularPipeline::create_components() {
  // from_config components are created now; from_pretrained ones are
  // registered as None and loaded lazily (load_components).
  for (const ComponentSpec& spec : component_specs_) {
    if (components_.get(spec.name) && !components_.get(spec.name)->is_none()) continue;
    if (spec.default_creation_method != CreationMethod::FromConfig) {
      components_.set(spec.name, Value());
      continue;
    }
    try {
      register_component(spec.name, Value(options_.component_types->create(spec)));
    } catch (const Error& e) {
      // brick goes on where diffusers would raise: the block that needs the
      // component reports it missing, and the others still run.
      log_warning("Failed to create " + spec.name + ": " + e.what());
      components_.set(spec.name, Value());
      component_failures_[spec.name] = std::string("creating it failed: ") + e.what();
    }
  }
}

PipelineState ModularPipeline::operator()(const Kwargs& kwargs, const PipelineState* state) {
  return run(kwargs, RunOptions{}, state);
}

PipelineState ModularPipeline::run(const Kwargs& kwargs, RunOptions options, const PipelineState* state) {
  if (running_->exchange(true)) {
    throw Error(BRICK_ERR_UNSUPPORTED,
                "this pipeline is already running (on another thread, or a callback of its run started another): "
                "a ModularPipeline runs one call at a time; make one pipeline per thread (docs/embedding.md)");
  }
  struct Done {
    std::atomic<bool>& running;
    ~Done() { running = false; }
  } done{*running_};
  static std::atomic<uint64_t> runs{0};
  if (options.run_id.empty()) options.run_id = "run-" + std::to_string(++runs);
  // The run's blocks: one snapshot, whatever a reload publishes meanwhile.
  const std::shared_ptr<ModularPipelineBlocks> blocks = blocks_for_run();
  PipelineState run_state = state ? state->deep_copy() : PipelineState();
  RunScope scope(options, &run_state);
  throw_if_cancelled();
  Kwargs passed = kwargs;
  auto take = [&passed](std::string_view key, Value* out) {
    for (auto it = passed.begin(); it != passed.end(); ++it) {
      if (it->first == key) {
        *out = std::move(it->second);
        passed.erase(it);
        return true;
      }
    }
    return false;
  };

  // Seed every top-level input: a passed value, else a passed kwargs dict for
  // its kwargs_type, else (when the state lacks it) the default.
  for (const InputParam& param : blocks->inputs()) {
    Value value;
    if (param.name && take(*param.name, &value)) {
      run_state.set(*param.name, std::move(value), param.kwargs_type);
    } else if (!param.kwargs_type.empty() && take(param.kwargs_type, &value)) {
      if (value.kind() != Value::Kind::Dict) {
        throw Error(BRICK_ERR_TYPE_MISMATCH,
                    "input '" + param.kwargs_type + "' must be a dict of values to tag, got " + value.kind_name());
      }
      for (const auto& [key, item] : value.as_dict()) run_state.set(key, item, param.kwargs_type);
    } else if (param.name && !run_state.contains(*param.name)) {
      run_state.set(*param.name, param.default_value, param.kwargs_type);
    }
  }

  if (!passed.empty()) {
    // Python: f"Unexpected input '{passed_kwargs.keys()}' provided. ..."
    Value::List keys;
    for (const auto& entry : passed) keys.emplace_back(entry.first);
    log_warning("Unexpected input 'dict_keys(" + Value::list(std::move(keys)).repr() +
                ")' provided. This input will be ignored.");
  }

  try {
    (*blocks)(components_, run_state);
  } catch (const BlockError& e) {
    log(LogLevel::Debug, "brick", "Error in block: (" + blocks->class_name() + "):");
    // A component that could not be made reaches blocks as None; say why
    // where the block that needed it failed.
    std::string why;
    for (const auto& [name, failure] : component_failures_) {
      const Value* current = components_.get(name);
      if (!current || current->is_none()) why += "\n  (component '" + name + "' is None: " + failure + ")";
    }
    if (why.empty()) throw;
    throw BlockError(e.status(), e.block(), e.what() + why);
  } catch (const std::exception&) {
    // diffusers logs this at error level; brick's exception already names
    // the block, so the line only helps when debugging.
    log(LogLevel::Debug, "brick", "Error in block: (" + blocks->class_name() + "):");
    throw;
  }
  return run_state;
}

Value ModularPipeline::output(const Kwargs& kwargs, std::string_view name, const PipelineState* state) {
  return (*this)(kwargs, state).get(name);
}

Value::Dict ModularPipeline::outputs(const Kwargs& kwargs, const std::vector<std::string>& names,
                                     const PipelineState* state) {
  return (*this)(kwargs, state).get(names);
}

// ---- hot reload (docs/hot-reload.md) ------------------------------------

std::shared_ptr<const ModularPipelineBlocks> ModularPipeline::current_blocks() const {
  std::lock_guard lock(*blocks_mutex_);
  return blocks_;
}

std::shared_ptr<ModularPipelineBlocks> ModularPipeline::blocks_for_run() {
  if (options_.host) {
    // One atomic load when nothing was reloaded.
    uint64_t epoch = options_.host->reload_epoch();
    if (epoch != reload_epoch_) follow_reload(epoch);
  }
  std::lock_guard lock(*blocks_mutex_);
  return blocks_;
}

// Rebuilds the blocks and migrates the components through the host. A
// reload published while this runs would mix generations: then it starts
// over with the newer epoch. On failure nothing changes (the pipeline keeps
// its blocks and components, and the next run tries again).
void ModularPipeline::follow_reload(uint64_t epoch) {
  const Host& host = *options_.host;
  for (int attempt = 0;; ++attempt) {
    std::shared_ptr<ModularPipelineBlocks> old = std::const_pointer_cast<ModularPipelineBlocks>(current_blocks());
    BlockPtr rebuilt;
    try {
      rebuilt = old->reloaded(host);
    } catch (const Error& e) {
      throw Error(e.status(),
                  "this pipeline's blocks could not be rebuilt after a plugin reload (it keeps its "
                  "previous blocks until a build that fits is loaded): " +
                      std::string(e.what()));
    }
    std::shared_ptr<const ComponentTypes> types = host.component_types();
    // Components made by a replaced generation: made again by the current
    // one, with their weights.
    std::vector<std::pair<std::string, std::shared_ptr<Object>>> migrated;
    for (const ComponentSpec& spec : component_specs_) {
      const Value* value = components_.get(spec.name);
      if (!value || !value->is_object()) continue;
      std::shared_ptr<Object> object = value->as_object();
      if (!object->origin()) continue;  // a host object (weights, TorchScript)
      std::shared_ptr<Plugin> now = host.find_plugin(object->library());
      if (now && now.get() == object->origin()) continue;  // its plugin did not change
      std::string type_hint = join_type_hint(object->library(), object->class_name());
      const ComponentType* type = types->find(type_hint);
      if (!type || !type->create) {
        throw Error(BRICK_ERR_NOT_FOUND, "component '" + spec.name + "': type '" + type_hint + "' of plugin '" +
                                             object->library() + "' " + object->origin_version() + " is gone from " +
                                             (now ? "plugin '" + now->name() + "' " + now->version() + " (generation " +
                                                        std::to_string(now->generation()) + ")"
                                                  : std::string("the loaded plugins")) +
                                             " after a reload; the pipeline keeps its previous blocks and components");
      }
      ComponentSpec with_type = spec;
      with_type.type_hint = type_hint;
      std::shared_ptr<Object> fresh = types->create(with_type, object->config());
      Value weights;
      try {
        weights = object->call("state_dict", Value());
      } catch (const Error& e) {
        if (e.status() != BRICK_ERR_UNKNOWN_METHOD) throw;  // a type without weights
      }
      if (weights.kind() == Value::Kind::Dict && !weights.as_dict().empty()) {
        fresh->call("load_state_dict", Value::dict({{"state_dict", weights}}));
      }
      fresh->to(components_.device());
      fresh->set_load_id(object->load_id());
      migrated.emplace_back(spec.name, std::move(fresh));
    }
    uint64_t now_epoch = host.reload_epoch();
    if (now_epoch != epoch && attempt < 3) {
      epoch = now_epoch;  // another reload landed meanwhile: rebuild from it
      continue;
    }
    {
      std::lock_guard lock(*blocks_mutex_);
      blocks_ = std::shared_ptr<ModularPipelineBlocks>(std::move(rebuilt));
    }
    options_.component_types = std::move(types);
    // Through register_component: a ComponentsManager swaps the old object
    // for the new one too.
    for (auto& [name, object] : migrated) register_component(name, Value(std::move(object)));
    reload_epoch_ = epoch;
    return;
  }
}

}  // namespace brick::host
