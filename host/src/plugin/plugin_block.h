// PluginBlock: a leaf block whose work is done by a block instance from a
// plugin. It keeps the plugin alive, converts the instance's declarations
// once, and runs the instance with a brick_ctx that gives it the state.
#pragma once

#include <memory>
#include <string>

#include "brick/brick_abi.h"
#include "brick/host/blocks.h"
#include "brick/host/block_state_exchange.h"
#include "declarations.h"

namespace brick::host {

class Plugin;

namespace detail {

class PluginBlock final : public ModularPipelineBlocks {
 public:
  // Takes ownership of instance (destroyed through its vtable).
  PluginBlock(std::shared_ptr<const Plugin> plugin, std::string qualified_name, brick_block* instance);
  ~PluginBlock() override;
  PluginBlock(const PluginBlock&) = delete;
  PluginBlock& operator=(const PluginBlock&) = delete;

  std::string class_name() const override { return shared_->name; }
  std::string description() const override { return shared_->description; }
  std::string model_name() const override { return shared_->model_name; }
  std::vector<InputParam> inputs() const override;
  std::vector<InputParam> intermediate_inputs() const override { return shared_->leaf.intermediate_inputs; }
  std::vector<OutputParam> intermediate_outputs() const override { return shared_->leaf.outputs; }
  std::vector<ComponentSpec> expected_components() const override { return shared_->components; }
  std::vector<ConfigSpec> expected_configs() const override { return shared_->configs; }

  void operator()(Components& components, PipelineState& state) override;
  std::unique_ptr<ModularPipelineBlocks> clone() const override;

  const std::string& qualified_name() const { return qualified_name_; }

 private:
  // What copies of one block share: its declarations, converted once; the
  // params live in the leaf interface the state exchange runs on.
  struct Shared {
    std::string name, description, model_name;
    std::vector<ComponentSpec> components;
    std::vector<ConfigSpec> configs;
    LeafInterface leaf;
  };
  PluginBlock(std::shared_ptr<const Plugin> plugin, std::string qualified_name, brick_block* instance,
              std::shared_ptr<const Shared> shared);
  static void check_instance(const brick_block* instance, const std::string& qualified_name);

  std::shared_ptr<const Plugin> plugin_;
  std::string qualified_name_;
  brick_block* instance_;
  std::shared_ptr<const Shared> shared_;
};

}  // namespace detail
}  // namespace brick::host
