// test_cuda_stream (built only against a LibTorch with CUDA): a producer
// that is slow on the device, for tests/hardening/cuda_stream_test.cpp. It
// spins on ATen's current stream (at::cuda::sleep, a delay kernel) and only
// then writes the latents, so a consumer that is not ordered after it on the
// same stream reads memory not yet written.
#include <brick/plugin.h>

#include <ATen/cuda/Sleep.h>
#include <ATen/ops/arange.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/index_select.h>
#include <c10/cuda/CUDAStream.h>

#include <cstdint>

namespace {

class SlowLatents : public brick::ModularPipelineBlocks {
 public:
  std::vector<brick::InputParam> inputs() const override {
    return {brick::InputParam("value", "float").with_default(0.5),
            brick::InputParam("delay_cycles", "int").with_default(int64_t{1} << 30)};
  }
  std::vector<brick::OutputParam> intermediate_outputs() const override {
    return {brick::OutputParam("latents", "Tensor"), brick::OutputParam("aten_stream", "int"),
            brick::OutputParam("given_stream", "int")};
  }
  void operator()(brick::Components& components, brick::PipelineState& state) override {
    auto block_state = get_block_state(state);
    at::Device device = brick::torch_device(components.device());
    at::Tensor latents = at::empty({1, 4, 64, 64}, at::TensorOptions().device(device).dtype(at::kFloat));
    at::cuda::sleep(block_state.get<int64_t>("delay_cycles"));
    latents.fill_(block_state.get<double>("value"));
    block_state.set("latents", latents);
    block_state.set("aten_stream",
                    static_cast<int64_t>(reinterpret_cast<intptr_t>(c10::cuda::getCurrentCUDAStream().stream())));
    block_state.set("given_stream", static_cast<int64_t>(reinterpret_cast<intptr_t>(components.stream())));
    set_block_state(state, block_state);
  }
};

// Launches a kernel that fails on the device (an index out of range, a
// device-side assert) and returns at once: the error surfaces only at the
// stream's next synchronisation, unless debug sync checks right after.
class FaultsLater : public brick::ModularPipelineBlocks {
 public:
  void operator()(brick::Components& components, brick::PipelineState&) override {
    at::Device device = brick::torch_device(components.device());
    at::Tensor table = at::arange(4, at::TensorOptions().device(device).dtype(at::kFloat));
    at::Tensor out_of_range = at::arange(1000, 1004, at::TensorOptions().device(device).dtype(at::kLong));
    (void)at::index_select(table, 0, out_of_range);
  }
};

}  // namespace

BRICK_PLUGIN("test_cuda_stream", "0.0.1", "A slow CUDA producer (delay kernel, then fill)") {
  plugin.add<SlowLatents>("SlowLatents");
  plugin.add<FaultsLater>("FaultsLater");
}
