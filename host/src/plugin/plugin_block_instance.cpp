#include "plugin_block_instance.h"

#include <cstddef>
#include <utility>

#include "brick/host/base/error.h"
#include "call_context.h"
#include "call_scope.h"

namespace brick::host::detail {

namespace {
void destroy(const Plugin* plugin, const std::string& name, brick_block* instance) {
  if (!instance || !instance->destroy) return;
  CallScope scope(plugin, "block '" + name + "' (destroy)", nullptr, Inference::Inherit);
  instance->destroy(instance);
}

bool has_field(const brick_block* instance, size_t offset, size_t size) {
  return instance->struct_size >= offset + size;
}
}  // namespace

PluginBlockInstance::PluginBlockInstance(std::shared_ptr<const Plugin> plugin, std::string qualified_name,
                                         brick_block* instance)
    : plugin_(std::move(plugin)), qualified_name_(std::move(qualified_name)), instance_(instance) {
  if (!instance_) throw Error(BRICK_ERR_BAD_PLUGIN, "block '" + qualified_name_ + "': the plugin returned no instance");
  if (!has_field(instance_, offsetof(brick_block, destroy), sizeof(instance_->destroy)) || !instance_->call ||
      !instance_->destroy || !instance_->clone) {
    destroy(plugin_.get(), qualified_name_, instance_);
    throw Error(BRICK_ERR_BAD_PLUGIN, "block '" + qualified_name_ + "': the instance lacks call, clone or destroy");
  }
}

PluginBlockInstance::~PluginBlockInstance() { destroy(plugin_.get(), qualified_name_, instance_); }

PluginBlockInstance::PluginBlockInstance(const PluginBlockInstance& other)
    : plugin_(other.plugin_), qualified_name_(other.qualified_name_), config_(other.config_), instance_(nullptr) {
  brick_ctx ctx;
  ctx.plugin = plugin_.get();
  brick_block* copy = nullptr;
  brick_status status;
  {
    CallScope scope(plugin_.get(), "block '" + qualified_name_ + "' (clone)", nullptr, Inference::Inherit);
    status = other.instance_->clone(other.instance_, &ctx, &copy);
  }
  if (status != BRICK_OK) {
    throw BlockError(status, qualified_name_, "cannot copy block '" + qualified_name_ + "': " + ctx.error);
  }
  PluginBlockInstance checked(plugin_, qualified_name_, copy);  // validates, destroys on failure
  instance_ = std::exchange(checked.instance_, nullptr);
}

decltype(brick_block::loop_call) PluginBlockInstance::loop_call() const {
  return has_field(instance_, offsetof(brick_block, loop_call), sizeof(instance_->loop_call)) ? instance_->loop_call
                                                                                              : nullptr;
}

decltype(brick_block::select_block) PluginBlockInstance::select_block() const {
  return has_field(instance_, offsetof(brick_block, select_block), sizeof(instance_->select_block))
             ? instance_->select_block
             : nullptr;
}

void PluginBlockInstance::check(brick_status status, const brick_ctx& ctx) const {
  if (status == BRICK_OK) return;
  throw BlockError(status, qualified_name_,
                   "Error in block '" + qualified_name_ +
                       "': " + (ctx.error.empty() ? std::string(brick_status_name(status)) : ctx.error));
}

}  // namespace brick::host::detail
