#include "plugin_conditional_block.h"

#include "brick/host/base/error.h"
#include "call_context.h"
#include "call_scope.h"

namespace brick::host::detail {

PluginConditionalBlocks::PluginConditionalBlocks(PluginBlockInstance instance, const BlockDeclaration& d,
                                                 NamedBlocks sub_blocks)
    : ConditionalPipelineBlocks(d.name, std::move(sub_blocks), d.block_trigger_inputs, d.default_block_name),
      instance_(std::move(instance)) {
  if (!instance_.select_block()) {
    throw Error(BRICK_ERR_BAD_PLUGIN,
                "block '" + instance_.qualified_name() + "' is a conditional block but has no select_block");
  }
  set_description(d.description);
}

std::optional<std::string> PluginConditionalBlocks::select_block(const Kwargs& triggers) const {
  Value arguments = Value::dict(triggers);
  brick_ctx ctx;
  ctx.plugin = instance_.plugin();
  const char* chosen = nullptr;
  brick_status status;
  {
    CallScope scope(instance_.plugin(), "block '" + instance_.qualified_name() + "' (select_block)", nullptr,
                    Inference::On);
    status = instance_.select_block()(instance_.get(), &ctx, handle_of(&arguments), &chosen);
  }
  instance_.check(status, ctx);
  if (!chosen) return std::nullopt;
  return std::string(chosen);
}

}  // namespace brick::host::detail
