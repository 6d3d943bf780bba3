// docs/composition.md, "Composites from plugins": a sequence of other
// plugins' blocks (shapes, core) and one of its own.
#include <brick/plugin.h>

#include "scale_block.h"

// [sample:composite]
class FluxLikeBlocks : public brick::SequentialPipelineBlocks {
 public:
  std::vector<brick::SubBlock> sub_blocks() const override {
    return {{"text_encoder", "shapes.TextEncoderStep"}, {"scale", "Scale"}, {"decode", "core.DecodeStep"}};
  }
  std::vector<brick::Workflow> workflow_map() const override { return {{"text2image", {{"prompt"}}}}; }
};
// [/sample:composite]

BRICK_PLUGIN("my_blocks", "0.1.0", "A composite of other plugins' blocks") {
  plugin.add<Scale>("Scale");
  plugin.add<FluxLikeBlocks>("FluxLikeBlocks");
}
