// ModularPipeline: blocks made runnable (diffusers' ModularPipeline).
//
//   auto pipe = block.init_pipeline();
//   PipelineState state = pipe({{"prompt", "a cat"}});              // the whole state
//   Value image = pipe.output({{"prompt", "a cat"}}, "images");      // output="images"
//   Value::Dict some = pipe.outputs({{"prompt", "a cat"}}, {"images", "latents"});
//
// A call seeds every top-level input (a passed value, else the value already
// in a passed state, else the default), warns about inputs no block declares
// ("Unexpected input '...' provided. This input will be ignored.") and runs the
// blocks on a copy: a state passed in is never mutated.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "brick/host/blocks.h"
#include "brick/host/components.h"
#include "brick/host/pipeline_state.h"

namespace brick::host {

class ModularPipeline {
 public:
  explicit ModularPipeline(std::unique_ptr<ModularPipelineBlocks> blocks);

  // A copy of the blocks: editing it does not change the pipeline.
  std::unique_ptr<ModularPipelineBlocks> blocks() const { return blocks_->clone(); }
  std::string doc() const { return blocks_->doc(); }

  Components& components() { return components_; }
  const Components& components() const { return components_; }

  // __call__(state, **kwargs): the resulting state.
  PipelineState operator()(const Kwargs& kwargs = {}, const PipelineState* state = nullptr);
  // __call__(output="name"): one value of the resulting state (None if absent).
  Value output(const Kwargs& kwargs, std::string_view name, const PipelineState* state = nullptr);
  // __call__(output=[...]): {name: value}, None for absent names.
  Value::Dict outputs(const Kwargs& kwargs, const std::vector<std::string>& names,
                      const PipelineState* state = nullptr);

 private:
  std::unique_ptr<ModularPipelineBlocks> blocks_;
  Components components_;
};

}  // namespace brick::host
