// The brick subcommands. Each returns the process exit code.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "brick/host/loader/plugin_search.h"

namespace brick::cli {

// A mistake in how the command was called (exit status 2), as opposed to a
// failure of the work (1): a malformed NAME=VALUE, an unknown input, a bad
// --device.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct InspectOptions {
  host::PluginSearch search;
  // A plugin file, a plugin's name, a block's name (plugin.Block or a bare
  // Block), or "" for everything found.
  std::string plugin;
  bool json = false;  // --json: machine-readable
  bool bad = false;   // --bad: the plugins remembered as bad, and why
};
int inspect_command(const InspectOptions& options);

struct RunArguments {
  host::PluginSearch search;
  std::string target;                    // plugin.Block, a pipeline file, or an installed pipeline's name
  std::vector<std::string> assignments;  // NAME=VALUE
  std::string output_file;               // -o FILE: the pipeline's `output` input
  std::vector<std::string> show;         // --show NAME; default: the pipeline's outputs
  std::vector<std::string> components;   // --component NAME=JSON: a component's config changes
  std::string workflow;                  // --workflow NAME
  std::string lock;                      // --lock FILE (or BRICK_LOCK): refuse changed plugins
  bool print_state = false;              // --state: the whole PipelineState
  bool json = false;                     // --json: the outputs as one JSON object
  bool allow_unknown = false;            // --allow-unknown: pass inputs no block declares
  int preview_every = 0;                 // --preview-every N: decoded images every N loop steps
  std::string device = "cpu";            // --device cpu | cuda | cuda:N
  bool debug_sync = false;               // --debug-sync: check the device after every block
};
int run_command(const RunArguments& options);

struct ListOptions {
  host::PluginSearch search;
  bool json = false;
};
int list_command(const ListOptions& options);

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
