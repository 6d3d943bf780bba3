// The brick subcommands. Each returns the process exit code.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "brick/host/loader/plugin_search.h"

namespace CLI {
class App;
}

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
  std::string model;                     // --model PATH_OR_ID: replaces the file's pretrained_model_name_or_path
  std::string model_config;              // --model-config PATH_OR_ID: a single-file model's configs
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
  bool names = false;
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

struct BatchArguments {
  host::PluginSearch search;
  std::string pipeline;               // a pipeline file or an installed pipeline's name
  std::string jobs;                   // JOBS.jsonl
  std::vector<std::string> defaults;  // NAME=VALUE for every job
  std::string out;                    // --out DIR
  std::string device = "cpu";         // --device cpu | cuda | cuda:N
  std::string lock;                   // --lock FILE
  bool resume = false;
  bool fail_fast = false;
  bool quiet = false;
};
// Adds `batch` and its options (batch_command.cpp); the caller adds -p/-P.
CLI::App* add_batch_command(CLI::App& app, BatchArguments& batch);
int batch_command(const BatchArguments& options);

// brick serve (serve_command.cpp; the server is libbrick_serve, docs/serve.md).
struct ServeArguments {
  host::PluginSearch search;
  std::string host = "127.0.0.1";
  int port = 8188;
  std::vector<std::string> pipelines;      // NAME=FILE.json
  std::vector<std::string> models;         // NAME=PATH_OR_ID: a pipeline's model (--model)
  std::vector<std::string> model_configs;  // NAME=PATH_OR_ID: a single-file model's configs (--model-config)
  bool no_installed = false;               // --no-installed: only the --pipeline files
  std::string device = "cpu";
  std::string lock;
  int workers = 1;
  size_t queue_size = 64;
  bool watch = true;  // --no-watch (this build has no plugin watching yet)
  std::string token_file;
  std::string isolation = "none";  // none | process
  std::string run_dir;
  double drain_timeout = 30;  // seconds: SIGTERM lets the runs taken finish this long
  int worker_fd = -1;         // internal: run as a worker process on this socket
};
int serve_command(const ServeArguments& options);
// Adds the serve subcommand and its options (all but -p/-P) to `app`.
CLI::App* add_serve_command(CLI::App& app, ServeArguments& arguments);

}  // namespace brick::cli
