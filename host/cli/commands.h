// The brick subcommands. Each returns the process exit code.
#pragma once

#include <string>
#include <vector>

#include "brick/host/loader/plugin_search.h"

namespace brick::cli {

struct InspectOptions {
  host::PluginSearch search;
  // A plugin file, a plugin's name, a block's name (plugin.Block or a bare
  // Block), or "" for everything found.
  std::string plugin;
  bool json = false;  // --json: machine-readable
  bool bad = false;   // --bad: the plugins remembered as bad, and why
};
int inspect_command(const InspectOptions& options);

struct RunOptions {
  host::PluginSearch search;
  std::string target;                    // plugin.Block or a pipeline file
  std::vector<std::string> assignments;  // NAME=VALUE
  std::vector<std::string> outputs;      // --output NAME; default: the pipeline's outputs
  std::string workflow;                  // --workflow NAME
  std::string lock;                      // --lock FILE (or BRICK_LOCK): refuse changed plugins
  bool print_state = false;              // --state: the whole PipelineState
  std::string device = "cpu";            // --device cpu | cuda | cuda:N
};
int run_command(const RunOptions& options);

struct DocOptions {
  host::PluginSearch search;
  std::string target;
  std::string workflow;
  bool repr = false;  // --repr: the blocks' repr instead of their doc
};
int doc_command(const DocOptions& options);

struct GraphOptions {
  host::PluginSearch search;
  std::string target;
  std::string workflow;
  std::string format = "dot";  // dot | mermaid
  std::string output;          // a file; default: stdout
};
int graph_command(const GraphOptions& options);

struct LockOptions {
  host::PluginSearch search;
  std::vector<std::string> names;  // plugins, blocks (plugin.Block) or pipeline files to lock
  std::string output = "brick.lock";
};
int lock_command(const LockOptions& options);

}  // namespace brick::cli
