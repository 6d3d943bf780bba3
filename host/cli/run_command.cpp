// brick run TARGET NAME=VALUE...: runs a block or a pipeline and prints its
// outputs.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "brick/host/base/device.h"
#include "brick/host/base/error.h"
#include "brick/host/base/log.h"
#include "brick/host/base/names.h"
#include "brick/host/base/progress_bar.h"
#include "brick/host/components/single_file_checkpoint.h"
#include "brick/host/pipeline/assignments.h"
#include "brick/host/pipeline/modular_pipeline.h"
#include "brick/host/pipeline/target.h"
#include "brick/host/plugin/call_guards.h"
#include "brick/host/value/json.h"
#include "brick/host/value/value_text.h"
#include "commands.h"

namespace brick::cli {

namespace {

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

brick_device device_of(const std::string& text) {
  try {
    brick_device device = host::parse_device(text);
    host::check_device(device);
    return device;
  } catch (const host::Error& e) {
    if (e.status() == BRICK_ERR_INVALID_ARGUMENT) throw UsageError(std::string("--device: ") + e.what());
    throw host::Error(e.status(), std::string("--device: ") + e.what());
  }
}

// --preview-every: after every n-th step of a loop, the blocks that follow
// the loop in the pipeline's top-level sequence (decode, save) run on a copy
// of the state holding the loop's values so far, writing NAME-stepK.png.
class Previews {
 public:
  Previews(const host::ModularPipeline& pipe, int every) : every_(every), blocks_(pipe.blocks()) {}

  void operator()(const host::StepEnd& step) {
    const host::Value* i = step.args.find("i");
    if (!step.state || !i || i->kind() != host::Value::Kind::Int || (i->as_int() + 1) % every_ != 0) return;
    std::vector<host::ModularPipelineBlocks*> tail = blocks_after(step.loop);
    if (tail.empty()) {
      if (!warned_) host::log_warning("--preview-every: the loop is not a step of the pipeline's top sequence");
      warned_ = true;
      return;
    }
    host::PipelineState preview = step.state->deep_copy();
    for (const auto& [name, value] : step.block_state.attributes()) preview.set(name, *value);
    host::Value output = preview.get("output");
    std::filesystem::path path = output.kind() == host::Value::Kind::String ? output.as_string() : "preview.png";
    path.replace_filename(path.stem().string() + "-step" + std::to_string(i->as_int() + 1) + path.extension().string());
    preview.set("output", host::Value(path.string()));
    for (host::ModularPipelineBlocks* block : tail) (*block)(step.components, preview);
    host::log(host::LogLevel::Info, "brick", "preview: " + path.string());
  }

 private:
  std::vector<host::ModularPipelineBlocks*> blocks_after(const host::ModularPipelineBlocks& loop) {
    std::vector<host::ModularPipelineBlocks*> tail;
    bool after = false;
    for (const auto& entry : blocks_->sub_blocks()) {
      if (after) tail.push_back(entry.block.get());
      after = after || entry.block->class_name() == loop.class_name();
    }
    return tail;
  }

  int every_;
  host::BlockPtr blocks_;  // a copy: the pipeline's own run meanwhile
  bool warned_ = false;
};

}  // namespace

int run_command(const RunArguments& options) {
  brick_device device = device_of(options.device);
  host::Target target = host::open_target(options.target, options.search, options.lock);
  if (!options.model.empty()) {
    try {
      target.use_model(options.model);
    } catch (const host::Error& e) {
      throw host::Error(e.status(), std::string("--model: ") + e.what());
    }
  }
  if (!options.model_config.empty()) {
    // The model: --model's, else the pipeline file's own.
    const bool single_file = options.model.empty() ? target.file && target.file->single_file()
                                                   : host::is_single_file_checkpoint(target.model);
    if (!single_file) {
      throw UsageError("--model-config " + options.model_config +
                       ": it names the configs of a single-file model (--model FILE.safetensors), and " +
                       (options.model.empty() ? std::string("no --model is given and the pipeline's is not one")
                                              : "--model '" + options.model + "' is not one"));
    }
    try {
      target.use_model_config(options.model_config);
    } catch (const host::Error& e) {
      throw host::Error(e.status(), std::string("--model-config: ") + e.what());
    }
  }

  host::ModularPipeline pipe = target.init_pipeline(options.workflow);
  // On the device first, so that components load straight onto it.
  pipe.to(device);
  // from_pretrained components (a pipeline file's repository); a failure is
  // logged and leaves that component None, for the block that needs it to report.
  pipe.load_components();

  // NAME=VALUE: a component's name swaps its type; an input's text is read
  // by the type the input declares; any other name is a mistake.
  std::vector<std::string> components = pipe.component_names();
  std::vector<std::string> input_names = host::assignable_inputs(pipe);
  host::Kwargs given;
  try {
    host::AssignmentOptions assignment_options;
    assignment_options.allow_unknown = options.allow_unknown;
    assignment_options.what_for = options.target;
    given = host::apply_assignments(pipe, options.assignments, assignment_options);
  } catch (const host::Error& e) {
    if (e.status() != BRICK_ERR_INVALID_ARGUMENT) throw;
    std::string message = e.what();
    if (message.rfind("unknown input", 0) == 0) message += " (--allow-unknown passes it anyway)";
    throw UsageError(message);
  }
  if (!options.output_file.empty()) {
    if (!contains(input_names, "output")) {
      throw UsageError("-o: " + options.target +
                       " writes no file (it declares no 'output' input); --show NAME prints a value");
    }
    if (std::any_of(given.begin(), given.end(), [](const auto& entry) { return entry.first == "output"; })) {
      throw UsageError("-o and output= both name the output file; give one");
    }
    given.emplace_back("output", host::Value(options.output_file));
  }
  for (const std::string& assignment : options.components) {
    std::pair<std::string, std::string> parts;
    host::Value config;
    try {
      parts = host::split_assignment(assignment);
      config = host::parse_json(parts.second);
    } catch (const host::Error& e) {
      throw UsageError(std::string("--component: ") + e.what());
    }
    if (!contains(components, parts.first))
      throw UsageError("--component: " + host::unknown_name_message("component", parts.first, components));
    if (config.kind() != host::Value::Kind::Dict) {
      throw UsageError("--component " + parts.first + ": expected a JSON object of config keys, got " +
                       config.kind_name());
    }
    pipe.set_component_config(parts.first, config.as_dict());
  }
  host::Kwargs inputs = target.file ? target.file->inputs_with(given) : given;

  std::vector<std::string> shown = options.show.empty() ? pipe.blocks()->output_names() : options.show;
  host::RunOptions run;
  if (options.debug_sync) host::set_debug_sync(true);
  std::optional<Previews> previews;
  if (options.preview_every > 0) {
    previews.emplace(pipe, options.preview_every);
    run.on_step_end = [&previews](const host::StepEnd& step) { (*previews)(step); };
  }
  host::PipelineState state;
  {
    host::ProgressBar bar;  // draws the loops' progress on a terminal
    state = pipe.run(inputs, run);
  }

  if (options.print_state) {
    std::cout << state.repr() << "\n";
    return 0;
  }
  if (options.json) {
    host::Value::Dict out;
    for (const std::string& name : shown) out.emplace_back(name, host::value_for_json(state.get(name)));
    std::cout << host::to_json(host::Value::dict(std::move(out))) << "\n";
    return 0;
  }
  for (const std::string& name : shown) {
    const host::Value* value = state.find(name);
    std::cout << name << " = " << (value ? host::format_value(*value) : std::string("None (not in the state)")) << "\n";
  }
  return 0;
}

}  // namespace brick::cli
