// brick run TARGET NAME=VALUE...: runs a block or a pipeline file and prints
// its outputs.
#include <iostream>

#include "commands.h"
#include "progress_bar.h"
#include "target.h"
#include "value_text.h"

namespace brick::cli {

int run_command(const RunOptions& options) {
  Target target = open_target(options.target, options.search, options.lock);

  host::Kwargs kwargs;
  for (const std::string& assignment : options.assignments) kwargs.push_back(parse_assignment(assignment));
  if (target.file) kwargs = target.file->inputs_with(kwargs);

  host::ModularPipeline pipe = target.init_pipeline(options.workflow);
  std::vector<std::string> outputs = options.outputs.empty() ? pipe.blocks()->output_names() : options.outputs;
  host::PipelineState state;
  {
    ProgressBar bar;  // draws the loops' progress on a terminal
    state = pipe(kwargs);
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
