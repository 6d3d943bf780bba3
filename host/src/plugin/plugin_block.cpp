#include "plugin_block.h"

#include "brick/host/error.h"
#include "brick/host/plugin.h"
#include "call_context.h"

namespace brick::host::detail {

void PluginBlock::check_instance(const brick_block* instance, const std::string& qualified_name) {
  if (!instance) throw Error(BRICK_ERR_BAD_PLUGIN, "block '" + qualified_name + "': the plugin returned no instance");
  if (instance->struct_size < offsetof(brick_block, destroy) + sizeof(instance->destroy) || !instance->call ||
      !instance->destroy || !instance->clone) {
    throw Error(BRICK_ERR_BAD_PLUGIN, "block '" + qualified_name + "': the instance lacks call, clone or destroy");
  }
}

PluginBlock::PluginBlock(std::shared_ptr<const Plugin> plugin, std::string qualified_name, brick_block* instance)
    : plugin_(std::move(plugin)), qualified_name_(std::move(qualified_name)), instance_(instance) {
  struct DestroyOnThrow {
    brick_block* instance;
    ~DestroyOnThrow() {
      if (instance && instance->destroy) instance->destroy(instance);
    }
  } guard{instance_};
  check_instance(instance_, qualified_name_);
  BlockDeclaration declaration = read_declaration(instance_->decl, qualified_name_);
  shared_ = std::make_shared<const Shared>(Shared{
      std::move(declaration.name), std::move(declaration.description), std::move(declaration.model_name),
      std::move(declaration.components), std::move(declaration.configs),
      LeafInterface(std::move(declaration.inputs), std::move(declaration.intermediate_inputs),
                    std::move(declaration.outputs))});
  guard.instance = nullptr;
}

PluginBlock::PluginBlock(std::shared_ptr<const Plugin> plugin, std::string qualified_name, brick_block* instance,
                         std::shared_ptr<const Shared> shared)
    : plugin_(std::move(plugin)),
      qualified_name_(std::move(qualified_name)),
      instance_(instance),
      shared_(std::move(shared)) {}

PluginBlock::~PluginBlock() {
  if (instance_) instance_->destroy(instance_);
}

std::vector<InputParam> PluginBlock::inputs() const {
  // Legacy blocks list their intermediate inputs among the inputs, as the
  // legacy docs did.
  std::vector<InputParam> all = shared_->leaf.inputs;
  for (const InputParam& p : shared_->leaf.intermediate_inputs) {
    bool listed = false;
    for (const InputParam& q : all) listed = listed || (p.name && q.name == p.name);
    if (!listed) all.push_back(p);
  }
  return all;
}

void PluginBlock::operator()(Components& components, PipelineState& state) {
  brick_ctx ctx;
  ctx.plugin = plugin_.get();
  ctx.leaf = &shared_->leaf;
  ctx.state = &state;
  ctx.components = &components;
  brick_status status = instance_->call(instance_, &ctx);
  if (status != BRICK_OK) {
    throw BlockError(status, qualified_name_,
                     "Error in block '" + qualified_name_ + "': " +
                         (ctx.error.empty() ? std::string(brick_status_name(status)) : ctx.error));
  }
}

std::unique_ptr<ModularPipelineBlocks> PluginBlock::clone() const {
  brick_ctx ctx;
  ctx.plugin = plugin_.get();
  brick_block* copy = nullptr;
  brick_status status = instance_->clone(instance_, &ctx, &copy);
  if (status != BRICK_OK) {
    throw BlockError(status, qualified_name_, "cannot copy block '" + qualified_name_ + "': " + ctx.error);
  }
  try {
    check_instance(copy, qualified_name_);
  } catch (...) {
    if (copy && copy->destroy) copy->destroy(copy);
    throw;
  }
  return std::unique_ptr<ModularPipelineBlocks>(new PluginBlock(plugin_, qualified_name_, copy, shared_));
}

}  // namespace brick::host::detail
