// brick::ModularPipelineBlocks: the base class of a leaf block, written the
// way Modular Diffusers' blocks are written in Python:
//
//   class Scale : public brick::ModularPipelineBlocks {
//    public:
//     std::string description() const override { return "y = x * factor"; }
//     std::vector<brick::InputParam> inputs() const override {
//       return {brick::InputParam("x", "Tensor").set_required(),
//               brick::InputParam("factor", "float").with_default(2.0)};
//     }
//     std::vector<brick::OutputParam> intermediate_outputs() const override {
//       return {brick::OutputParam("y", "Tensor")};
//     }
//     void operator()(brick::Components& components, brick::PipelineState& state) override {
//       auto block_state = get_block_state(state);
//       block_state.set("y", block_state.get<at::Tensor>("x") * block_state.get<double>("factor"));
//       set_block_state(state, block_state);
//     }
//   };
//
// Declarations are read once, when the host creates the block. A block that
// takes constructor arguments gets them as a dict: give it a constructor
// taking `brick::ValueRef config`.
#pragma once

#include <string>
#include <vector>

#include "brick/sdk/params.h"
#include "brick/sdk/state.h"

namespace brick {

class ModularPipelineBlocks {
 public:
  virtual ~ModularPipelineBlocks() = default;

  virtual std::string description() const { return {}; }
  virtual std::string model_name() const { return {}; }
  virtual std::vector<InputParam> inputs() const { return {}; }
  // Legacy (seed "PipelineBlock"): mutable inputs. Declaring any switches the
  // block to the legacy write-back, where changes to plain inputs stay local.
  virtual std::vector<InputParam> intermediate_inputs() const { return {}; }
  virtual std::vector<OutputParam> intermediate_outputs() const { return {}; }
  virtual std::vector<ComponentSpec> expected_components() const { return {}; }
  virtual std::vector<ConfigSpec> expected_configs() const { return {}; }

  // __call__(components, state).
  virtual void operator()(Components& components, PipelineState& state) = 0;

  // Set by the adapter that exports the block; used by get_block_state.
  void bind_slots(const detail::SlotTable* slots) { slots_ = slots; }

 protected:
  BlockState get_block_state(PipelineState& state) const {
    brick_block_state* handle = nullptr;
    brick_status status = detail::host().get_block_state(state.ctx(), &handle);
    if (status != BRICK_OK) detail::rethrow_host_error(state.ctx(), status);
    return BlockState(handle, slots_);
  }
  void set_block_state(PipelineState& state, BlockState& block_state) const {
    brick_status status = detail::host().set_block_state(state.ctx(), block_state.handle());
    if (status != BRICK_OK) detail::rethrow_host_error(state.ctx(), status);
  }

 private:
  const detail::SlotTable* slots_ = nullptr;
};

// Logging through the host, from inside a block call.
void log(int32_t level, const std::string& message);
inline void log_info(const std::string& message) { log(BRICK_LOG_INFO, message); }
inline void log_warning(const std::string& message) { log(BRICK_LOG_WARNING, message); }

}  // namespace brick
