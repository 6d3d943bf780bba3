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
// A block that runs inside a loop wrapper (sdk/composite.h) implements the
// loop-block call instead: it gets the loop's block state directly and the
// iteration's arguments (i, t, ...):
//
//   void operator()(brick::Components&, brick::BlockState& block_state, brick::ValueRef args) override {
//     block_state.set("x", block_state.get<int64_t>("x") + 1);
//   }
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

namespace detail {
struct CompositeDecl;
}

class ModularPipelineBlocks {
 public:
  virtual ~ModularPipelineBlocks() = default;

  // The class name doc and reprs print; empty: the name the block is
  // exported under (blocks configured into several roles may differ).
  virtual std::string class_name() const { return {}; }
  virtual std::string description() const { return {}; }
  virtual std::string model_name() const { return {}; }
  virtual std::vector<InputParam> inputs() const { return {}; }
  // Legacy (seed "PipelineBlock"): mutable inputs. Declaring any switches the
  // block to the legacy write-back, where changes to plain inputs stay local.
  virtual std::vector<InputParam> intermediate_inputs() const { return {}; }
  virtual std::vector<OutputParam> intermediate_outputs() const { return {}; }
  virtual std::vector<ComponentSpec> expected_components() const { return {}; }
  virtual std::vector<ConfigSpec> expected_configs() const { return {}; }

  // __call__(components, state). A block that only runs inside loops need
  // not implement it.
  virtual void operator()(Components& components, PipelineState& state) {
    (void)components;
    (void)state;
    throw Error(BRICK_ERR_UNSUPPORTED, "block '" + block_name() + "' runs only inside a loop");
  }
  // __call__(components, block_state, **args) inside a loop wrapper: works
  // on the loop's block state directly; args is the dict of iteration
  // arguments the wrapper passed to loop_step.
  virtual void operator()(Components& components, BlockState& block_state, ValueRef args) {
    (void)components;
    (void)block_state;
    (void)args;
    throw Error(BRICK_ERR_UNSUPPORTED, "block '" + block_name() + "' cannot run inside a loop");
  }

  // Blocks run under c10::InferenceMode, as diffusers' pipelines run under
  // torch.no_grad(): no autograd graph, and the tensors they make are
  // inference tensors. A block that computes gradients (guidance by a loss,
  // say) returns true; it then runs with grad mode on, and clones the state
  // tensors it differentiates through (ABI 1.2, BRICK_BLOCK_NEEDS_GRAD).
  virtual bool needs_grad() const { return false; }

  // Composite blocks (sdk/composite.h) describe their structure here.
  virtual void declare_composite(detail::CompositeDecl& composite) const { (void)composite; }

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

  std::string block_name() const { return slots_ ? slots_->block_name : std::string("block"); }

 private:
  const detail::SlotTable* slots_ = nullptr;
};

// Logging through the host, from inside a block call.
void log(int32_t level, const std::string& message);
inline void log_info(const std::string& message) { log(BRICK_LOG_INFO, message); }
inline void log_warning(const std::string& message) { log(BRICK_LOG_WARNING, message); }

}  // namespace brick
