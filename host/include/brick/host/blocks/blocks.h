// ModularPipelineBlocks: the base of every block the host runs (diffusers'
// ModularPipelineBlocks). A leaf block declares inputs, intermediate outputs,
// expected components and configs, and runs as __call__(components, state).
// Plugin blocks are leaves of this kind. Composite blocks (sequential_blocks.h,
// conditional_blocks.h, loop_blocks.h) build on the same base and hold their
// children in sub_blocks(); a block with no sub-blocks is a leaf.
//
// Derived properties (required_inputs, input_names, doc, ...) are computed on
// every access, as in diffusers, so an edited block reports its new interface.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "brick/host/blocks/block_state_exchange.h"
#include "brick/host/blocks/sub_blocks.h"
#include "brick/host/components/components.h"
#include "brick/host/params/params.h"
#include "brick/host/state/block_state.h"
#include "brick/host/state/pipeline_state.h"

namespace brick::host {

class ModularPipeline;
class BlockFactory;

// The diffusers release whose semantics brick follows; written where diffusers
// writes its own version (block reprs, saved configs).
inline constexpr const char* kDiffusersVersion = "0.40.0";

class ModularPipelineBlocks {
 public:
  virtual ~ModularPipelineBlocks() = default;

  // The block's class name (diffusers prints __class__.__name__).
  virtual std::string class_name() const = 0;
  virtual std::string description() const { return {}; }
  virtual std::string model_name() const { return {}; }
  // The inputs a caller may pass. For a legacy block these include its
  // intermediate_inputs, as the legacy docs listed them.
  virtual std::vector<InputParam> inputs() const { return {}; }
  // Legacy: the inputs whose changes reach the pipeline state.
  virtual std::vector<InputParam> intermediate_inputs() const { return {}; }
  virtual std::vector<OutputParam> intermediate_outputs() const { return {}; }
  virtual std::vector<OutputParam> outputs() const { return intermediate_outputs(); }
  virtual std::vector<ComponentSpec> expected_components() const { return {}; }
  virtual std::vector<ConfigSpec> expected_configs() const { return {}; }

  // The names of the required inputs. Composites compute it from their
  // sub-blocks (a union or an intersection, quirks included).
  virtual std::vector<std::string> required_inputs() const;
  std::vector<std::string> input_names() const;
  std::vector<std::string> intermediate_output_names() const;
  std::vector<std::string> output_names() const;
  std::vector<std::string> component_names() const;
  virtual std::string doc() const;
  // Python's repr(): a leaf prints "{Class} {config json}", composites their
  // header, description, components, configs and sub-blocks.
  virtual std::string repr() const;

  // The children of a composite block; empty for a leaf.
  SubBlocks& sub_blocks() { return sub_blocks_; }
  const SubBlocks& sub_blocks() const { return sub_blocks_; }
  bool is_leaf() const { return sub_blocks_.empty(); }

  // The blocks that would run given these inputs (only their presence
  // matters). Sequential and conditional blocks implement it; others throw
  // BRICK_ERR_UNSUPPORTED, as diffusers raises NotImplementedError.
  // A conditional block that would be skipped returns nullptr.
  virtual BlockPtr get_execution_blocks(const Kwargs& inputs) const;
  // Named workflows (a sequential block with a workflow map).
  virtual std::vector<std::string> available_workflows() const;
  virtual BlockPtr get_workflow(std::string_view workflow_name) const;

  // __call__(components, state): runs the block on the state in place.
  virtual void operator()(Components& components, PipelineState& state) = 0;
  // __call__(components, block_state, **kwargs) of a block inside a loop: it
  // works on the loop's block state directly, with the iteration's arguments
  // (a dict: i, t, ...; or None). Blocks that cannot run in a loop throw
  // BRICK_ERR_UNSUPPORTED.
  virtual void loop_call(Components& components, BlockState& block_state, const Value& args);

  // A deep copy (Python's deepcopy): what init_pipeline and
  // ModularPipeline::blocks hand out.
  virtual std::unique_ptr<ModularPipelineBlocks> clone() const = 0;

  // The same block made again through `factory` (a hot reload,
  // docs/hot-reload.md): a plugin block is created anew from its qualified
  // name and constructor arguments, so it comes from the factory's current
  // generation of its plugin; a composite keeps its structure (sub-block
  // edits included) and reloads its children. Host-written leaves are copied.
  virtual std::unique_ptr<ModularPipelineBlocks> reloaded(const BlockFactory& factory) const;

  // A pipeline over a copy of this block. Defined with ModularPipeline
  // (brick/host/pipeline/modular_pipeline.h, which callers include).
  ModularPipeline init_pipeline() const;

 protected:
  // The leaf protocol, for blocks written in a custom host.
  BlockState get_block_state(const PipelineState& state) const;
  void set_block_state(PipelineState& state, const BlockState& block_state) const;
  // This block's declarations as the state exchange takes them (a legacy
  // block's intermediate inputs apart from its plain inputs).
  LeafInterface leaf_interface() const;

  SubBlocks sub_blocks_;
};

}  // namespace brick::host
