// brick run plugin.Block NAME=VALUE...: runs one block as a pipeline and
// prints its outputs.
#include <iostream>

#include "brick/host/error.h"
#include "brick/host/modular_pipeline.h"
#include "brick/registry/lock_file.h"
#include "commands.h"
#include "value_text.h"

namespace brick::cli {

int run_command(const RunOptions& options) {
  size_t dot = options.target.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == options.target.size()) {
    throw host::Error(BRICK_ERR_INVALID_ARGUMENT,
                      "expected a block named plugin.Block, got '" + options.target + "'");
  }
  host::Host host;
  if (!options.lock.empty()) host.use_lock(registry::LockFile::read(options.lock));
  // Blocks come from the registry: only the plugin of the block run is
  // opened. A plugin the registry could not scan is looked for directly.
  std::string plugin_name = options.target.substr(0, dot);
  registry::Registry registry = options.search.open_registry();
  host.use_registry(registry);
  if (!host.known_plugin(plugin_name)) options.search.load_for(host, plugin_name);

  host::Kwargs kwargs;
  for (const std::string& assignment : options.assignments) kwargs.push_back(parse_assignment(assignment));

  auto block = host.create_block(options.target);
  std::vector<std::string> outputs = options.outputs.empty() ? block->output_names() : options.outputs;
  host::ModularPipeline pipe = block->init_pipeline();
  host::PipelineState state = pipe(kwargs);

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
