// brick: run blocks and pipeline files, print their doc and graph, inspect plugins.
#include <CLI/CLI.hpp>

#include <iostream>

#include "brick/host/base/error.h"
#include "commands.h"

namespace {

void add_search_options(CLI::App* command, brick::host::PluginSearch& search) {
  command->add_option("-p,--plugin", search.files, "A plugin file to load (repeatable)")
      ->check(CLI::ExistingFile)
      ->allow_extra_args(false);
  command
      ->add_option("-P,--plugin-dir", search.dirs,
                   "A folder of plugins to search before BRICK_PLUGIN_PATH and the installed plugins (repeatable)")
      ->allow_extra_args(false);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"brick: diffusion pipelines from block plugins"};
  app.set_version_flag("--version", std::string("brick ") + BRICK_VERSION + " (ABI " +
                                        std::to_string(BRICK_ABI_VERSION_MAJOR) + "." +
                                        std::to_string(BRICK_ABI_VERSION_MINOR) + ")");
  app.require_subcommand(1);

  brick::cli::InspectOptions inspect;
  CLI::App* inspect_cmd = app.add_subcommand(
      "inspect",
      "List every plugin and block found, or print a plugin's metadata and its blocks' docs, or one block's doc");
  inspect_cmd->add_option("NAME", inspect.plugin,
                          "A plugin file, a plugin's name, or a block (plugin.Block or Block); none: everything");
  inspect_cmd->add_flag("--json", inspect.json, "Print JSON");
  inspect_cmd->add_flag("--bad", inspect.bad, "List the plugin files remembered as bad, and why");
  add_search_options(inspect_cmd, inspect.search);

  brick::cli::RunOptions run;
  CLI::App* run_cmd = app.add_subcommand(
      "run",
      "Run a block or a pipeline file with inputs given as NAME=VALUE and print its outputs.\n"
      "VALUE is JSON (3, 0.5, true, [1, 2], \"text\"), tensor(<JSON list>[, dtype]), or plain text.\n"
      "NAME may also be one of the pipeline's components, VALUE then a component type\n"
      "(scheduler=DDIMScheduler: created from the current component's config).");
  run_cmd->add_option("TARGET", run.target, "A block named plugin.Block, or a pipeline file (.json)")->required();
  run_cmd->add_option("INPUTS", run.assignments, "Inputs as NAME=VALUE");
  run_cmd
      ->add_option("-o,--output", run.outputs, "A state value to print (repeatable; default: the pipeline's outputs)")
      ->allow_extra_args(false);
  run_cmd->add_option("-w,--workflow", run.workflow, "Run only the blocks of this workflow")->allow_extra_args(false);
  run_cmd->add_flag("--state", run.print_state, "Print the whole pipeline state instead");
  run_cmd->add_option("-d,--device", run.device, "Where blocks run and components live: cpu (default), cuda, cuda:N")
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
  CLI::App* doc_cmd = app.add_subcommand("doc", "Print the doc of a block or a pipeline file (diffusers' `doc`)");
  doc_cmd->add_option("TARGET", doc.target, "A block named plugin.Block, or a pipeline file (.json)")->required();
  doc_cmd->add_option("-w,--workflow", doc.workflow, "The doc of this workflow's blocks")->allow_extra_args(false);
  doc_cmd->add_flag("--repr", doc.repr, "Print the blocks' repr (their structure) instead");
  add_search_options(doc_cmd, doc.search);

  brick::cli::GraphOptions graph;
  CLI::App* graph_cmd = app.add_subcommand(
      "graph", "Write the block graph with the values flowing between blocks, as Graphviz DOT or Mermaid");
  graph_cmd->add_option("TARGET", graph.target, "A block named plugin.Block, or a pipeline file (.json)")->required();
  graph_cmd->add_option("-f,--format", graph.format, "dot (default) or mermaid")
      ->check(CLI::IsMember({"dot", "mermaid"}))
      ->allow_extra_args(false);
  graph_cmd->add_option("-o,--output", graph.output, "Write to this file instead of stdout")->allow_extra_args(false);
  graph_cmd->add_option("-w,--workflow", graph.workflow, "Only this workflow's blocks")->allow_extra_args(false);
  add_search_options(graph_cmd, graph.search);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; a usage error exits 2, whatever CLI11's code.
    return app.exit(e) == 0 ? 0 : 2;
  }

  try {
    if (*inspect_cmd) return brick::cli::inspect_command(inspect);
    if (*run_cmd) return brick::cli::run_command(run);
    if (*doc_cmd) return brick::cli::doc_command(doc);
    if (*graph_cmd) return brick::cli::graph_command(graph);
    if (*lock_cmd) return brick::cli::lock_command(lock);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
