// SequentialPipelineBlocks: runs its sub-blocks in order over one pipeline
// state (diffusers v0.40).
//
// Its interface is merged from the sub-blocks:
//   inputs                the first declaration of each name, minus names an
//                         earlier sub-block produces; outputs of a conditional
//                         block without a default (it may be skipped) hide
//                         nothing.
//   required_inputs       the union of the sub-blocks' (names produced inside
//                         included, as diffusers does).
//   intermediate_outputs  combine_outputs over the sub-blocks.
//   outputs               intermediate_outputs, unless set (presets return
//                         only [images]).
//   components, configs   first-seen unions.
// With a workflow map, doc lists the workflows and get_workflow(name) prunes
// the graph to one of them.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "brick/host/blocks/blocks.h"
#include "brick/host/blocks/workflow.h"

namespace brick::host {

using NamedBlocks = std::vector<std::pair<std::string, BlockPtr>>;

class SequentialPipelineBlocks : public ModularPipelineBlocks {
 public:
  SequentialPipelineBlocks() = default;
  // from_blocks_dict: the blocks in order, under their names.
  explicit SequentialPipelineBlocks(NamedBlocks blocks, std::string class_name = "SequentialPipelineBlocks");

  std::string class_name() const override { return class_name_; }
  std::string description() const override { return description_; }
  std::string model_name() const override;
  std::vector<InputParam> inputs() const override;
  std::vector<std::string> required_inputs() const override;
  std::vector<OutputParam> intermediate_outputs() const override;
  std::vector<OutputParam> outputs() const override;
  std::vector<ComponentSpec> expected_components() const override;
  std::vector<ConfigSpec> expected_configs() const override;
  std::string doc() const override;
  std::string repr() const override;

  // The blocks that would run, flattened under dotted names
  // ("denoise.before_denoise.set_timesteps"): conditional blocks resolved
  // (their branch names are not part of the path), loops kept whole, and each
  // emitted block's outputs counted as present for later conditionals.
  BlockPtr get_execution_blocks(const Kwargs& inputs) const override;
  std::vector<std::string> available_workflows() const override;
  BlockPtr get_workflow(std::string_view workflow_name) const override;

  void operator()(Components& components, PipelineState& state) override;
  BlockPtr clone() const override { return std::make_unique<SequentialPipelineBlocks>(*this); }

  // What a subclass in Python sets as class attributes or properties.
  void set_class_name(std::string name) { class_name_ = std::move(name); }
  void set_description(std::string description) { description_ = std::move(description); }
  void set_model_name(std::string model_name) { model_name_ = std::move(model_name); }
  void set_outputs(std::vector<OutputParam> outputs) { outputs_ = std::move(outputs); }
  void set_workflow_map(WorkflowMap workflows) { workflows_ = std::move(workflows); }
  const std::optional<WorkflowMap>& workflow_map() const { return workflows_; }

 private:
  std::string class_name_ = "SequentialPipelineBlocks";
  std::string description_;
  std::string model_name_;
  std::optional<std::vector<OutputParam>> outputs_;
  std::optional<WorkflowMap> workflows_;
};

}  // namespace brick::host
