// brick: run blocks and pipeline files, print their doc and graph, inspect plugins.
#include <CLI/CLI.hpp>

#include <iostream>

#include "brick/host/base/crash_report.h"
#include "brick/host/base/error.h"
#include "brick/host/base/log.h"
#include "commands.h"

namespace {

// Every flag means one thing in every subcommand: -o is a file written,
// -p a plugin file, -P a plugin folder, -w a workflow, -d a device.
void add_search_options(CLI::App* command, brick::host::PluginSearch& search) {
  // A missing file is the loader's error (it names the file), not a usage error.
  command->add_option("-p,--plugin", search.files, "A plugin file to load (repeatable)")->allow_extra_args(false);
  command
      ->add_option("-P,--plugin-dir", search.dirs,
                   "A folder of plugins to search before BRICK_PLUGIN_PATH and the installed plugins (repeatable)")
      ->allow_extra_args(false);
}

const char* kTarget =
    "A block named plugin.Block, a pipeline file (.json), or an installed pipeline's name (brick list)";

}  // namespace

int main(int argc, char** argv) {
  // A block that crashes the process is named on the way out (crash_report.h).
  brick::host::install_crash_handler();
  CLI::App app{"brick: diffusion pipelines from block plugins"};
  app.set_version_flag("--version", std::string("brick ") + BRICK_VERSION + " (ABI " +
                                        std::to_string(BRICK_ABI_VERSION_MAJOR) + "." +
                                        std::to_string(BRICK_ABI_VERSION_MINOR) + ")");
  app.require_subcommand(1);
  int verbose = 0;
  bool quiet = false;
  app.add_flag("-v,--verbose", verbose, "Show debug messages too (BRICK_LOG_LEVEL=debug)");
  app.add_flag("-q,--quiet", quiet, "Show errors only (BRICK_LOG_LEVEL=error)");
  // Checks a command line and does nothing (tests/docs checks every command the docs show).
  bool parse_only = false;
  app.add_flag("--parse-only", parse_only)->group("");

  brick::cli::InspectOptions inspect;
  CLI::App* inspect_cmd = app.add_subcommand(
      "inspect",
      "List every plugin and block found, or print a plugin's metadata, component types and its blocks' docs, or one "
      "block's doc");
  inspect_cmd->add_option("NAME", inspect.plugin,
                          "A plugin file, a plugin's name, or a block (plugin.Block or Block); none: everything");
  inspect_cmd->add_flag("--json", inspect.json, "Print JSON");
  inspect_cmd->add_flag("--bad", inspect.bad, "List the plugin files remembered as bad, and why");
  add_search_options(inspect_cmd, inspect.search);

  brick::cli::ListOptions list;
  CLI::App* list_cmd =
      app.add_subcommand("list", "List the installed pipelines, every block and every component type found");
  list_cmd->add_flag("--json", list.json, "Print JSON");
  list_cmd->add_flag("--names", list.names, "Print only the names of the pipelines and blocks, one per line");
  add_search_options(list_cmd, list.search);

  brick::cli::RunArguments run;
  CLI::App* run_cmd = app.add_subcommand(
      "run",
      "Run a block or a pipeline with inputs given as NAME=VALUE and print its outputs.\n"
      "VALUE is read by the type the input declares (str stays text; int, float, bool, list, dict);\n"
      "tensor(<JSON list>[, dtype]) is a tensor. NAME may also be one of the pipeline's components,\n"
      "VALUE then a component type (scheduler=DDIMScheduler: created from the current component's config).");
  run_cmd->add_option("TARGET", run.target, kTarget)->required();
  run_cmd->add_option("INPUTS", run.assignments, "Inputs as NAME=VALUE");
  run_cmd->add_option("-o,--output", run.output_file, "The file to write (the pipeline's `output` input)")
      ->allow_extra_args(false);
  run_cmd->add_option("--show", run.show, "A state value to print (repeatable; default: the pipeline's outputs)")
      ->allow_extra_args(false);
  run_cmd->add_flag("--state", run.print_state, "Print the whole pipeline state instead");
  run_cmd->add_flag("--json", run.json, "Print the outputs as one JSON object (tensors as {tensor, dtype, shape})");
  run_cmd->add_option("-w,--workflow", run.workflow, "Run only the blocks of this workflow")->allow_extra_args(false);
  run_cmd
      ->add_option("--model", run.model,
                   "PATH_OR_ID: the model to load from, replacing the pipeline file's "
                   "pretrained_model_name_or_path: a folder, a name on BRICK_MODEL_PATH, a hub id (org/name, "
                   "org/name@revision) already in the Hugging Face cache (never downloaded), or an original "
                   "single-file checkpoint (FILE.safetensors: Stable Diffusion 1.x, 2.x, XL)")
      ->allow_extra_args(false);
  run_cmd
      ->add_option("--model-config", run.model_config,
                   "PATH_OR_ID: for a single-file --model, the repository its configs, tokenizers and scheduler "
                   "come from (default: the model type's diffusers repository when it is in the Hugging Face "
                   "cache, else brick's built-in ones)")
      ->allow_extra_args(false);
  run_cmd->add_option("-d,--device", run.device, "Where blocks run and components live: cpu (default), cuda, cuda:N")
      ->allow_extra_args(false);
  run_cmd
      ->add_option("--component", run.components,
                   "NAME=JSON: change a component's config, e.g. scheduler='{\"clip_sample\": false}' (repeatable)")
      ->allow_extra_args(false);
  run_cmd->add_flag("--allow-unknown", run.allow_unknown, "Pass inputs no block declares instead of refusing them");
  run_cmd->add_flag("--debug-sync", run.debug_sync,
                    "Synchronise and check the device after every block, so that an asynchronous CUDA error is "
                    "blamed on the block that caused it (slower; also BRICK_DEBUG_SYNC=1)");
  run_cmd
      ->add_option("--preview-every", run.preview_every,
                   "Write the image decoded so far every N loop steps (NAME-stepK.png beside the output)")
      ->check(CLI::PositiveNumber)
      ->allow_extra_args(false);
  run_cmd
      ->add_option("--lock", run.lock,
                   "A lock file (brick lock): refuse a plugin whose content differs from the locked one")
      ->envname("BRICK_LOCK")
      ->allow_extra_args(false);
  add_search_options(run_cmd, run.search);

  brick::cli::LockOptions lock;
  CLI::App* lock_cmd = app.add_subcommand(
      "lock", "Record the exact plugins (name, version, content hash) of plugins, blocks or pipeline files");
  lock_cmd->add_option("NAMES", lock.names, "Plugins, blocks named plugin.Block, or pipeline files (.json)")
      ->required();
  lock_cmd->add_option("-o,--output", lock.output, "The lock file to write (default: brick.lock)")
      ->allow_extra_args(false);
  add_search_options(lock_cmd, lock.search);

  brick::cli::DocOptions doc;
  CLI::App* doc_cmd = app.add_subcommand(
      "doc", "Print the doc of a block or a pipeline (diffusers' `doc`), and the inputs a pipeline file sets");
  doc_cmd->add_option("TARGET", doc.target, kTarget)->required();
  doc_cmd->add_option("-w,--workflow", doc.workflow, "The doc of this workflow's blocks")->allow_extra_args(false);
  doc_cmd->add_flag("--repr", doc.repr, "Print the blocks' repr (their structure) instead");
  add_search_options(doc_cmd, doc.search);

  brick::cli::GraphOptions graph;
  CLI::App* graph_cmd = app.add_subcommand(
      "graph", "Write the block graph with the values flowing between blocks, as Graphviz DOT or Mermaid");
  graph_cmd->add_option("TARGET", graph.target, kTarget)->required();
  graph_cmd->add_option("-f,--format", graph.format, "dot (default) or mermaid")
      ->check(CLI::IsMember({"dot", "mermaid"}))
      ->allow_extra_args(false);
  graph_cmd->add_option("-o,--output", graph.output, "Write to this file instead of stdout")->allow_extra_args(false);
  graph_cmd->add_option("-w,--workflow", graph.workflow, "Only this workflow's blocks")->allow_extra_args(false);
  add_search_options(graph_cmd, graph.search);

  brick::cli::BatchArguments batch;
  CLI::App* batch_cmd = brick::cli::add_batch_command(app, batch);
  add_search_options(batch_cmd, batch.search);

  brick::cli::ServeArguments serve;
  CLI::App* serve_cmd = brick::cli::add_serve_command(app, serve);
  add_search_options(serve_cmd, serve.search);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; a usage error exits 2, whatever CLI11's code.
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (parse_only) return 0;
  if (quiet) brick::host::set_log_level(brick::host::LogLevel::Error);
  if (verbose) brick::host::set_log_level(brick::host::LogLevel::Debug);

  try {
    if (*inspect_cmd) return brick::cli::inspect_command(inspect);
    if (*list_cmd) return brick::cli::list_command(list);
    if (*run_cmd) return brick::cli::run_command(run);
    if (*doc_cmd) return brick::cli::doc_command(doc);
    if (*graph_cmd) return brick::cli::graph_command(graph);
    if (*lock_cmd) return brick::cli::lock_command(lock);
    if (*batch_cmd) return brick::cli::batch_command(batch);
    if (*serve_cmd) return brick::cli::serve_command(serve);
  } catch (const brick::cli::UsageError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
