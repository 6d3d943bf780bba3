#include "plugin_block.h"

#include "brick/host/base/error.h"
#include "call_context.h"
#include "call_scope.h"

namespace brick::host::detail {

PluginBlock::PluginBlock(PluginBlockInstance instance, BlockDeclaration d)
    : instance_(std::move(instance)),
      shared_(std::make_shared<const Shared>(
          Shared{std::move(d.name), std::move(d.description), std::move(d.model_name), std::move(d.components),
                 std::move(d.configs),
                 LeafInterface(std::move(d.inputs), std::move(d.intermediate_inputs), std::move(d.outputs)), d.flags,
                 describe_call(instance_.plugin(), "block '" + instance_.qualified_name() + "'")})) {}

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
  ctx.plugin = instance_.plugin();
  ctx.leaf = &shared_->leaf;
  ctx.state = &state;
  ctx.components = &components;
  brick_status status;
  {
    CallScope scope(shared_->crash_text, &components, block_inference(shared_->flags));
    status = instance_.get()->call(instance_.get(), &ctx);
  }
  instance_.check(status, ctx);
  sync_after_block(components, qualified_name());
}

std::vector<int32_t> slot_map_onto(const std::vector<std::string>& leaf, const std::vector<std::string>& names) {
  std::vector<int32_t> map(leaf.size(), -1);
  for (size_t i = 0; i < leaf.size(); ++i) {
    for (size_t j = 0; j < names.size(); ++j) {
      if (names[j] == leaf[i]) {
        map[i] = static_cast<int32_t>(j);
        break;
      }
    }
  }
  return map;
}

void PluginBlock::loop_call(Components& components, BlockState& block_state, const Value& args) {
  auto loop_call = instance_.loop_call();
  if (!loop_call) {
    throw Error(BRICK_ERR_UNSUPPORTED,
                "block '" + qualified_name() + "' cannot run inside a loop (it has no loop_call)");
  }
  if (block_state.slot_names() != loop_slot_names_) {
    loop_slot_names_ = block_state.slot_names();
    static const std::vector<std::string> kNone;
    loop_slot_map_ = slot_map_onto(*shared_->leaf.slot_names, loop_slot_names_ ? *loop_slot_names_ : kNone);
  }
  brick_ctx ctx;
  ctx.plugin = instance_.plugin();
  ctx.components = &components;
  brick_block_state shared_state;
  shared_state.state = &block_state;
  shared_state.ctx = &ctx;
  shared_state.slot_map = &loop_slot_map_;
  ctx.loop_block_state = &shared_state;
  ctx.loop_args = args.is_none() ? nullptr : &args;
  brick_status status;
  {
    CallScope scope(shared_->crash_text, &components, block_inference(shared_->flags));
    status = loop_call(instance_.get(), &ctx);
  }
  instance_.check(status, ctx);
  sync_after_block(components, qualified_name());
}

}  // namespace brick::host::detail
