// ConditionalPipelineBlocks and AutoPipelineBlocks: run one of their
// sub-blocks, chosen at run time from which trigger inputs are present
// (diffusers v0.40).
//
// A conditional block asks select_block(triggers) for a branch name; no
// answer falls back to default_block_name; with no default either, the block
// is skipped ("skipping conditional block: {Class}"). Subclasses (and plugins)
// implement select_block; it should depend only on whether a trigger is None,
// because get_execution_blocks resolves statically with True for every value
// produced upstream.
//
// AutoPipelineBlocks pairs each branch with one trigger input; the first
// branch, in list order, whose trigger is not None wins, and a None trigger
// marks the default branch. Without one the block may be skipped.
//
// Merged interface: inputs = combine_inputs over the branches, `required`
// only where every branch requires the name (never, without a default
// branch); outputs = combine_outputs; components and configs first-seen.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "brick/host/blocks/sequential_blocks.h"

namespace brick::host {

class ConditionalPipelineBlocks : public ModularPipelineBlocks {
 public:
  // Throws Error(BRICK_ERR_INVALID_ARGUMENT) with diffusers' messages when
  // default_block_name is not one of the blocks.
  ConditionalPipelineBlocks(std::string class_name, NamedBlocks blocks,
                            std::vector<std::optional<std::string>> block_trigger_inputs,
                            std::optional<std::string> default_block_name = std::nullopt);

  std::string class_name() const override { return class_name_; }
  std::string description() const override { return description_; }
  std::string model_name() const override;
  std::vector<InputParam> inputs() const override;
  std::vector<std::string> required_inputs() const override;
  std::vector<OutputParam> intermediate_outputs() const override;
  std::vector<OutputParam> outputs() const override;
  std::vector<ComponentSpec> expected_components() const override;
  std::vector<ConfigSpec> expected_configs() const override;
  std::string repr() const override;

  // The branch to run for these trigger values, or nullopt for "use the
  // default". The base class has no rule and throws BRICK_ERR_UNSUPPORTED.
  virtual std::optional<std::string> select_block(const Kwargs& triggers) const;
  // The resolved branch (nested conditionals and sequences resolved too), or
  // nullptr when the block would be skipped.
  BlockPtr get_execution_blocks(const Kwargs& inputs) const override;

  void operator()(Components& components, PipelineState& state) override;
  BlockPtr clone() const override { return std::make_unique<ConditionalPipelineBlocks>(*this); }

  const std::vector<std::string>& block_names() const { return block_names_; }
  const std::vector<std::optional<std::string>>& block_trigger_inputs() const { return block_trigger_inputs_; }
  const std::optional<std::string>& default_block_name() const { return default_block_name_; }
  void set_description(std::string description) { description_ = std::move(description); }

 protected:
  // The branch name select_block and the default give, or nullopt: skipped.
  std::optional<std::string> choose(const Kwargs& triggers) const;

  std::string class_name_;
  std::string description_;
  std::vector<std::string> block_names_;
  std::vector<std::optional<std::string>> block_trigger_inputs_;
  std::optional<std::string> default_block_name_;
};

class AutoPipelineBlocks : public ConditionalPipelineBlocks {
 public:
  // block_trigger_inputs pairs with blocks one to one; nullopt marks the
  // default. Setting default_block_name is an error, as in diffusers.
  AutoPipelineBlocks(std::string class_name, NamedBlocks blocks,
                     std::vector<std::optional<std::string>> block_trigger_inputs,
                     std::optional<std::string> default_block_name = std::nullopt);

  std::optional<std::string> select_block(const Kwargs& triggers) const override;
  BlockPtr clone() const override { return std::make_unique<AutoPipelineBlocks>(*this); }
};

// Every trigger input of a block and of the blocks below it, sorted (what the
// repr's banner lists).
std::vector<std::string> trigger_inputs_of(const ModularPipelineBlocks& block);

}  // namespace brick::host
