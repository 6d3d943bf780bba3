// The named parameters of a model, in the order diffusers' state_dict lists
// them: each module registers its tensors under its state-dict prefix
// ("down_blocks.0.resnets.1.conv1.weight") with the shape the config gives.
// Loading checks the given state dict against them: every key present with
// its shape and nothing else, or one error naming every missing, unexpected
// and wrongly shaped key.
#pragma once

#include <ATen/core/Tensor.h>
#include <brick/sdk.h>

#include <string>
#include <vector>

namespace diffusers {

class Parameters {
 public:
  struct Slot {
    std::string name;
    std::vector<int64_t> shape;
    at::Tensor* tensor;
  };

  void add(const std::string& name, std::vector<int64_t> shape, at::Tensor* tensor) {
    slots_.push_back({name, std::move(shape), tensor});
  }
  const std::vector<Slot>& slots() const { return slots_; }

  // From {name: tensor}: tensors are kept as given (no copy) unless their
  // dtype or device differs from the first parameter's, then converted to it.
  void load(brick::ValueRef state_dict, const std::string& model);
  // Random weights for a model made from a config alone (torch's default
  // scale: uniform in +-1/sqrt(fan_in); biases 0; norms 1 and 0).
  void randomise();
  // Every tensor moved (a copy only where device or dtype change).
  void to(const at::Device& device, at::ScalarType dtype);
  brick::Value state_dict() const;
  int64_t bytes() const;

 private:
  std::vector<Slot> slots_;
};

}  // namespace diffusers
