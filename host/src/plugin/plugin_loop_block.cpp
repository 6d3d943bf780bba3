#include "plugin_loop_block.h"

#include "call_context.h"
#include "call_scope.h"
#include "plugin_block.h"

namespace brick::host::detail {

namespace {
// Slot names as brick_block_decl numbers them: the distinct names of the
// named inputs, then the intermediate inputs, then the outputs.
std::vector<std::string> declared_slots(const BlockDeclaration& d) {
  std::vector<std::string> names;
  auto add = [&names](const std::string& n) {
    for (const std::string& m : names) {
      if (m == n) return;
    }
    names.push_back(n);
  };
  for (const InputParam& p : d.inputs) {
    if (p.name) add(*p.name);
  }
  for (const InputParam& p : d.intermediate_inputs) {
    if (p.name) add(*p.name);
  }
  for (const OutputParam& o : d.outputs) add(o.name);
  return names;
}
}  // namespace

PluginLoopBlocks::PluginLoopBlocks(PluginBlockInstance instance, BlockDeclaration declaration, NamedBlocks sub_blocks)
    : LoopSequentialPipelineBlocks(std::move(sub_blocks)), instance_(std::move(instance)) {
  std::vector<std::string> own = declared_slots(declaration);
  shared_ = std::make_shared<const Shared>(
      Shared{std::move(declaration), std::move(own),
             describe_call(instance_.plugin(), "block '" + instance_.qualified_name() + "'")});
}

void PluginLoopBlocks::operator()(Components& components, PipelineState& state) {
  check_leaf_sub_blocks();
  // The merged interface of this run (sub-blocks may have been edited since
  // the last one); the plugin's get_block_state sees it through its own slots.
  LeafInterface merged = leaf_interface();
  std::vector<int32_t> slot_map = slot_map_onto(shared_->own_slots, *merged.slot_names);

  brick_ctx ctx;
  ctx.plugin = instance_.plugin();
  ctx.leaf = &merged;
  ctx.state = &state;
  ctx.components = &components;
  ctx.slot_map = &slot_map;
  ctx.loop = this;
  brick_status status;
  {
    CallScope scope(shared_->crash_text, &components, block_inference(shared_->decl.flags));
    status = instance_.get()->call(instance_.get(), &ctx);
  }
  instance_.check(status, ctx);
  sync_after_block(components, instance_.qualified_name());
}

}  // namespace brick::host::detail
