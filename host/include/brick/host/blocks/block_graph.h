// The block graph of a pipeline with the data flowing through it: one node
// per leaf block (composites as nested groups: sequences, loops, conditional
// blocks with their branches), and one edge per value from the block that
// produces it to each block that reads it. Values nobody produced come from
// the pipeline's inputs; the pipeline's outputs go to an outputs node. A
// conditional block's branches are alternatives: a value one branch produces
// may also come from before it. Inside a loop, a value a later (or the same)
// sub-block produces for an earlier one is drawn as a dashed back edge.
#pragma once

#include <string>

#include "brick/host/blocks/blocks.h"

namespace brick::host {

// Graphviz DOT (`dot -Tsvg`).
std::string block_graph_dot(const ModularPipelineBlocks& blocks);
// Mermaid flowchart (renders in GitHub markdown).
std::string block_graph_mermaid(const ModularPipelineBlocks& blocks);

}  // namespace brick::host
