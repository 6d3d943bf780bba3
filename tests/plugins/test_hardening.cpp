// test_hardening: C++ blocks and components that report or provoke what the
// host does around a call (tests/hardening): the inference mode, grad mode,
// device and stream a block sees, a CUDA out-of-memory error, a component
// whose config cannot be made.
#include <brick/plugin.h>

#include <c10/core/GradMode.h>
#include <c10/core/InferenceMode.h>
#include <c10/util/Exception.h>

#include <ATen/ops/ones.h>

#include <cstdint>
#include <stdexcept>

namespace {

// Reports what it saw during its call.
class ReportCallGuards : public brick::ModularPipelineBlocks {
 public:
  std::vector<brick::OutputParam> intermediate_outputs() const override {
    return {brick::OutputParam("inference_mode", "bool"), brick::OutputParam("grad_mode", "bool"),
            brick::OutputParam("device", "str"), brick::OutputParam("stream", "int"),
            brick::OutputParam("made", "Tensor")};
  }
  void operator()(brick::Components& components, brick::PipelineState& state) override {
    auto block_state = get_block_state(state);
    block_state.set("inference_mode", c10::InferenceMode::is_enabled());
    block_state.set("grad_mode", c10::GradMode::is_enabled());
    block_state.set("device", brick::device_name(components.device()));
    block_state.set("stream", static_cast<int64_t>(reinterpret_cast<intptr_t>(components.stream())));
    block_state.set("made", at::ones({2}));
    set_block_state(state, block_state);
  }
};

// The same, declaring that it needs gradients.
class ReportCallGuardsNeedsGrad : public ReportCallGuards {
 public:
  bool needs_grad() const override { return true; }
};

// What the CUDA caching allocator throws when the device is full.
class ThrowsDeviceOutOfMemory : public brick::ModularPipelineBlocks {
 public:
  void operator()(brick::Components&, brick::PipelineState&) override {
    throw c10::OutOfMemoryError(c10::SourceLocation{__func__, __FILE__, static_cast<uint32_t>(__LINE__)},
                                "CUDA out of memory. Tried to allocate 20.00 GiB");
  }
};

// A component whose config cannot be made (save_pretrained must fail, not
// write the creation config).
class BadConfig : public brick::ComponentType {
 public:
  brick::Value config() const override { throw std::runtime_error("weights_path is not set, so there is no config"); }
};

// Answers no method: the SDK's default.
class Plain : public brick::ComponentType {};

}  // namespace

BRICK_PLUGIN("test_hardening", "0.0.1", "Reports the guards around a call; fails at the edges") {
  plugin.add<ReportCallGuards>("ReportCallGuards");
  plugin.add<ReportCallGuardsNeedsGrad>("ReportCallGuardsNeedsGrad");
  plugin.add<ThrowsDeviceOutOfMemory>("ThrowsDeviceOutOfMemory");
  plugin.add_component<BadConfig>("BadConfig");
  plugin.add_component<Plain>("Plain");
}
