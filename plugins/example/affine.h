// example.Affine: y = scale * x + shift. The smallest useful block: one
// required tensor input, two scalar inputs with defaults, one output.
#pragma once

#include <brick/sdk.h>

namespace example {

class Affine : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override;
  std::vector<brick::InputParam> inputs() const override;
  std::vector<brick::OutputParam> intermediate_outputs() const override;
  void operator()(brick::Components& components, brick::PipelineState& state) override;
};

}  // namespace example
