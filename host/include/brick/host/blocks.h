// ModularPipelineBlocks: the base of every block the host runs (diffusers'
// ModularPipelineBlocks). A leaf block declares inputs, intermediate outputs,
// expected components and configs, and runs as __call__(components, state).
// Plugin blocks are leaves of this kind; composition builds on the same base.
//
// Derived properties (required_inputs, input_names, doc, ...) are computed on
// every access, as in diffusers, so an edited block reports its new interface.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "brick/host/block_state.h"
#include "brick/host/components.h"
#include "brick/host/params.h"
#include "brick/host/pipeline_state.h"

namespace brick::host {

class ModularPipeline;

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

  std::vector<std::string> required_inputs() const;
  std::vector<std::string> input_names() const;
  std::vector<std::string> intermediate_output_names() const;
  std::vector<std::string> output_names() const;
  std::vector<std::string> component_names() const;
  virtual std::string doc() const;

  // __call__(components, state): runs the block on the state in place.
  virtual void operator()(Components& components, PipelineState& state) = 0;

  // A deep copy (Python's deepcopy): what init_pipeline and
  // ModularPipeline::blocks hand out.
  virtual std::unique_ptr<ModularPipelineBlocks> clone() const = 0;

  // A pipeline over a copy of this block.
  ModularPipeline init_pipeline() const;

 protected:
  // The leaf protocol, for blocks written in a custom host.
  BlockState get_block_state(const PipelineState& state) const;
  void set_block_state(PipelineState& state, const BlockState& block_state) const;
};

}  // namespace brick::host
