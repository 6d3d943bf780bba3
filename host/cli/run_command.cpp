// brick run TARGET NAME=VALUE...: runs a block or a pipeline file and prints
// its outputs.
#include <algorithm>
#include <iostream>

#include "brick/host/base/device.h"
#include "brick/host/base/error.h"
#include "brick/host/base/progress_bar.h"
#include "brick/host/pipeline/modular_pipeline.h"
#include "brick/host/pipeline/target.h"
#include "brick/host/value/value_text.h"
#include "commands.h"

namespace brick::cli {

int run_command(const RunOptions& options) {
  brick_device device;
  try {
    device = host::parse_device(options.device);
    host::check_device(device);
  } catch (const host::Error& e) {
    throw host::Error(e.status(), std::string("--device: ") + e.what());
  }
  host::Target target = host::open_target(options.target, options.search, options.lock);

  host::ModularPipeline pipe = target.init_pipeline(options.workflow);
  // On the device first, so that components load straight onto it.
  pipe.to(device);
  // from_pretrained components (a pipeline file's repository); a failure is
  // logged and leaves that component None, for the block that needs it to report.
  pipe.load_components();

  // NAME=VALUE: a component's name swaps its type; an input's text is read
  // by the type the input declares.
  std::vector<std::string> components = pipe.component_names();
  std::vector<host::InputParam> declared = pipe.blocks()->inputs();
  host::Kwargs given;
  for (const std::string& assignment : options.assignments) {
    auto [name, text] = host::split_assignment(assignment);
    if (std::find(components.begin(), components.end(), name) != components.end()) {
      pipe.set_component_type(name, text);
      continue;
    }
    std::string type_hint;
    for (const host::InputParam& input : declared) {
      if (input.name == name) type_hint = input.type_hint;
    }
    given.emplace_back(name, host::parse_value_text(text, type_hint, name));
  }
  host::Kwargs inputs = target.file ? target.file->inputs_with(given) : given;

  std::vector<std::string> outputs = options.outputs.empty() ? pipe.blocks()->output_names() : options.outputs;
  host::PipelineState state;
  {
    host::ProgressBar bar;  // draws the loops' progress on a terminal
    state = pipe(inputs);
  }

  if (options.print_state) {
    std::cout << state.repr() << "\n";
    return 0;
  }
  for (const std::string& name : outputs) {
    const host::Value* value = state.find(name);
    std::cout << name << " = " << (value ? host::format_value(*value) : std::string("None (not in the state)")) << "\n";
  }
  return 0;
}

}  // namespace brick::cli
