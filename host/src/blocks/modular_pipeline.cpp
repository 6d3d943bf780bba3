#include "brick/host/modular_pipeline.h"

#include "brick/host/error.h"
#include "brick/host/log.h"

namespace brick::host {

ModularPipeline::ModularPipeline(std::unique_ptr<ModularPipelineBlocks> blocks) : blocks_(std::move(blocks)) {
  if (!blocks_) throw Error(BRICK_ERR_INVALID_ARGUMENT, "ModularPipeline needs blocks");
  // Pipeline configs start at the defaults their blocks declare.
  for (const ConfigSpec& spec : blocks_->expected_configs()) components_.set_config(spec.name, spec.default_value);
  // Components are registered empty; creating and loading them is the
  // components layer's work.
  for (const ComponentSpec& spec : blocks_->expected_components()) components_.set(spec.name, Value());
}

PipelineState ModularPipeline::operator()(const Kwargs& kwargs, const PipelineState* state) {
  PipelineState run_state = state ? state->deep_copy() : PipelineState();
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
  for (const InputParam& param : blocks_->inputs()) {
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
    (*blocks_)(components_, run_state);
  } catch (const std::exception&) {
    // diffusers logs this at error level; brick's exception already names
    // the block, so the line only helps when debugging.
    log(LogLevel::Debug, "brick", "Error in block: (" + blocks_->class_name() + "):");
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

}  // namespace brick::host
