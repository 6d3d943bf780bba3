// The brick subcommands. Each returns the process exit code.
#pragma once

#include <string>
#include <vector>

#include "plugin_search.h"

namespace brick::cli {

struct InspectOptions {
  PluginSearch search;
  // A plugin file, a plugin's name, a block's name (plugin.Block or a bare
  // Block), or "" for everything found.
  std::string plugin;
  bool json = false;  // --json: machine-readable
  bool bad = false;   // --bad: the plugins remembered as bad, and why
};
int inspect_command(const InspectOptions& options);

struct RunOptions {
  PluginSearch search;
  std::string target;                    // plugin.Block
  std::vector<std::string> assignments;  // NAME=VALUE
  std::vector<std::string> outputs;      // --output NAME; default: the block's outputs
  bool print_state = false;              // --state: the whole PipelineState
  std::string lock;                      // --lock FILE (or BRICK_LOCK): refuse changed plugins
};
int run_command(const RunOptions& options);

struct LockOptions {
  PluginSearch search;
  std::vector<std::string> names;  // plugins or blocks (plugin.Block) to lock
  std::string output = "brick.lock";
};
int lock_command(const LockOptions& options);

}  // namespace brick::cli
