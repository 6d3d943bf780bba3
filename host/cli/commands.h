// The brick subcommands. Each returns the process exit code.
#pragma once

#include <string>
#include <vector>

#include "plugin_search.h"

namespace brick::cli {

struct InspectOptions {
  PluginSearch search;
  std::string plugin;  // a plugin file, or the name of a plugin on the search path
};
int inspect_command(const InspectOptions& options);

struct RunOptions {
  PluginSearch search;
  std::string target;                    // plugin.Block
  std::vector<std::string> assignments;  // NAME=VALUE
  std::vector<std::string> outputs;      // --output NAME; default: the block's outputs
  bool print_state = false;              // --state: the whole PipelineState
};
int run_command(const RunOptions& options);

}  // namespace brick::cli
