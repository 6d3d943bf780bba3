// brick graph TARGET: the block graph with its data flow, as Graphviz DOT or
// Mermaid.
#include <fstream>
#include <iostream>

#include "brick/host/base/error.h"
#include "brick/host/blocks/block_graph.h"
#include "brick/host/pipeline/target.h"
#include "commands.h"

namespace brick::cli {

int graph_command(const GraphOptions& options) {
  host::Target target = host::open_target(options.target, options.search);
  host::BlockPtr blocks = target.blocks(options.workflow);
  std::string text = options.format == "mermaid" ? host::block_graph_mermaid(*blocks) : host::block_graph_dot(*blocks);
  if (options.output.empty()) {
    std::cout << text;
    return 0;
  }
  std::ofstream out(options.output, std::ios::binary);
  out << text;
  if (!out) throw host::Error(BRICK_ERR_INVALID_ARGUMENT, "cannot write " + options.output);
  std::cerr << "wrote " << options.output << "\n";
  return 0;
}

}  // namespace brick::cli
