// brick run TARGET NAME=VALUE...: runs a block or a pipeline file and prints
// its outputs.
#include <iostream>

#include "brick/host/host.h"
#include "commands.h"
#include "component_swap.h"
#include "device_option.h"
#include "progress_bar.h"
#include "target.h"
#include "value_text.h"

namespace brick::cli {

int run_command(const RunOptions& options) {
  brick_device device = parse_device(options.device);
  Target target = open_target(options.target, options.search, options.lock);

  host::Kwargs kwargs;
  for (const std::string& assignment : options.assignments) kwargs.push_back(parse_assignment(assignment));
  if (target.file) kwargs = target.file->inputs_with(kwargs);

  host::ModularPipeline pipe = target.init_pipeline(options.workflow);
  // On the device first, so that components load straight onto it.
  pipe.to(device);
  // from_pretrained components (a pipeline file's repository); a failure is
  // logged and leaves that component None, for the block that needs it to report.
  pipe.load_components();
  host::Kwargs inputs;
  std::shared_ptr<const host::ComponentTypes> types = target.host->component_types();
  for (auto& [name, value] : kwargs) {
    if (!swap_component(pipe, *types, name, value)) inputs.emplace_back(name, std::move(value));
  }

  std::vector<std::string> outputs = options.outputs.empty() ? pipe.blocks()->output_names() : options.outputs;
  host::PipelineState state;
  {
    ProgressBar bar;  // draws the loops' progress on a terminal
    state = pipe(inputs);
  }

  if (options.print_state) {
    std::cout << state.repr() << "\n";
    return 0;
  }
  for (const std::string& name : outputs) {
    const host::Value* value = state.find(name);
    std::cout << name << " = " << (value ? format_value(*value) : std::string("None (not in the state)")) << "\n";
  }
  return 0;
}

}  // namespace brick::cli
