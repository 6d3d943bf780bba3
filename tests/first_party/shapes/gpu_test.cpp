// The denoiser on CUDA: the same predictions as on the CPU, with the sample,
// the condition and the result on the device (and the dataset moved there by
// `to`, as `brick run --device cuda` does).
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>
#include <ATen/TensorOperators.h>
#include <ATen/ops/randn.h>
#include <ATen/ops/zeros.h>

#include "shapes_test_support.h"

using namespace shapes_test;

TEST(ShapesGpu, CudaForwardMatchesTheCpu) {
  if (!at::hasCUDA()) GTEST_SKIP() << "no CUDA device (or a LibTorch built without CUDA)";
  auto cpu = create("ShapesDenoiser");
  auto gpu = create("ShapesDenoiser");
  call(gpu, "to", {{"device", "cuda"}});
  at::Generator gen = at::detail::createCPUGenerator(5);
  // Near dataset images, as samples along a trajectory are (far from every
  // image, float32 logits of order 1e6 make either device's rounding visible).
  at::Tensor images = cpu->call("state_dict", Value()).find("images")->as_tensor();
  at::Tensor sample = images.slice(0, 0, 27, 9) * 0.8 + at::randn({3, 3, 64, 64}, gen) * 0.6;
  at::Tensor cond = at::zeros({3, kSlots});
  cond[0][kRed] = 1;
  cond[0][kCircle] = 1;
  cond[1][kTriangle] = 1;
  for (const char* type : {"epsilon", "v_prediction", "sample", "flow"}) {
    for (double t : {0.0, 10.5, 500.0, 999.0}) {
      Value::Dict args{{"timestep", t}, {"prediction_type", type}};
      Value::Dict on_cpu = args, on_gpu = args;
      on_cpu.emplace_back("sample", sample);
      on_cpu.emplace_back("encoder_hidden_states", cond);
      on_gpu.emplace_back("sample", sample.cuda());
      on_gpu.emplace_back("encoder_hidden_states", cond.cuda());
      at::Tensor want = call(cpu, "forward", on_cpu).as_tensor();
      at::Tensor got = call(gpu, "forward", on_gpu).as_tensor();
      ASSERT_TRUE(got.is_cuda());
      EXPECT_LT(((got.cpu() - want).abs() / (want.abs() + 1.0)).max().item<float>(), 1e-2f) << type << " t=" << t;
    }
  }
  // A CUDA sample against a dataset left on the CPU works too (the resized
  // copy is made on the sample's device).
  Value::Dict args{{"sample", sample.cuda()}, {"timestep", 500.0}, {"prediction_type", "sample"}};
  EXPECT_TRUE(call(cpu, "forward", args).as_tensor().is_cuda());
  // classify on CUDA images.
  EXPECT_TRUE(gpu->call("state_dict", Value()).find("images")->as_tensor().is_cuda());
  EXPECT_EQ(call(gpu, "classify", {{"images", ((images.slice(0, 7, 8) + 1.0) / 2.0).cuda()}}).as_list()[0].find("index")->as_int(),
            7);
}
