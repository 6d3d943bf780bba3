// cuda.LatentsToImage through the real loader (cuda.so): the CPU path
// against a direct computation with ATen, and the CUDA kernel against the
// CPU path, bit for bit, where a GPU is usable.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>
#include <ATen/TensorOperators.h>
#include <ATen/ops/cat.h>
#include <ATen/ops/clamp.h>
#include <ATen/ops/empty_like.h>
#include <ATen/ops/equal.h>
#include <ATen/ops/linspace.h>
#include <ATen/ops/randn.h>
#include <ATen/ops/round.h>
#include <ATen/ops/tensor.h>
#include <ATen/ops/zeros.h>
#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <vector>

#include "brick/host/loader/host.h"
#include "brick/host/pipeline/modular_pipeline.h"
#include "latents_to_image_kernel.h"

using brick::host::ModularPipeline;
using brick::host::Value;

namespace {

brick::host::Host& host() {
  static brick::host::Host* instance = [] {
    auto* h = new brick::host::Host();
    h->load_plugin(std::string(BRICK_BINARY_DIR) + "/lib/brick/plugins/cuda.so");
    return h;
  }();
  return *instance;
}

at::Tensor run_block(const at::Tensor& latents, brick_device device = {1, 0}) {
  ModularPipeline pipe(host().create_block("cuda.LatentsToImage"));
  pipe.components().set_device(device);
  return pipe.output({{"latents", Value(latents)}}, "images").as_tensor();
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

// round(clamp(x / 2 + 0.5, 0, 1) * 255) with ATen's float32 ops, NCHW -> NHWC.
at::Tensor direct(const at::Tensor& latents) {
  at::Tensor x = at::clamp(latents.to(at::kFloat) / 2.0 + 0.5, 0.0, 1.0);
  return at::round(x * 255.0).to(at::kByte).permute({0, 2, 3, 1}).contiguous();
}

// An x whose pixel value x * 0.5 + 0.5 times 255 is, in float32, exactly
// k + 0.5 for an even k: half to even gives k where half away from zero
// would give k + 1. Found by search, since which floats tie is a matter of
// rounding.
std::pair<float, int> half_way_latent() {
  for (int k = 0; k < 255; k += 2) {
    float x0 = static_cast<float>(2.0 * ((k + 0.5) / 255.0) - 1.0);
    float down = x0, up = x0;
    for (int step = 0; step < 64; ++step) {
      for (float x : {down, up}) {
        float y = x * 0.5f + 0.5f;
        if (y * 255.0f == static_cast<float>(k) + 0.5f) return {x, k};
      }
      down = std::nextafter(down, -2.0f);
      up = std::nextafter(up, 2.0f);
    }
  }
  return {0.f, -1};
}

// Edge values first, then a dense sweep over [-1.2, 1.2].
at::Tensor test_latents() {
  float inf = std::numeric_limits<float>::infinity();
  auto [tie, k] = half_way_latent();
  std::vector<float> edges = {-1.f,
                              1.f,
                              0.f,
                              -1.5f,
                              1.5f,
                              100.f,
                              -100.f,
                              inf,
                              -inf,
                              tie,
                              std::nextafter(-1.f, 0.f),
                              std::nextafter(1.f, 0.f),
                              1e-40f,
                              -1e-40f};
  at::Tensor sweep = at::linspace(-1.2, 1.2, 3 * 2 * 1000 - static_cast<int64_t>(edges.size()));
  return at::cat({at::tensor(edges, at::kFloat), sweep}).reshape({2, 3, 40, 25});
}

// The CUDA device the raw-launcher test can use, or -1.
int usable_cuda_device() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess || count == 0) {
    cudaGetLastError();  // clear the error this left behind
    return -1;
  }
  return 0;
}

}  // namespace

TEST(LatentsToImage, CpuPathMatchesTheDirectComputation) {
  at::Tensor latents = test_latents();
  at::Tensor images = run_block(latents);
  EXPECT_EQ(images.scalar_type(), at::kByte);
  EXPECT_EQ(images.sizes(), (std::vector<int64_t>{2, 40, 25, 3}));
  EXPECT_TRUE(images.is_cpu());
  EXPECT_TRUE(at::equal(images, direct(latents)));
}

TEST(LatentsToImage, EdgeValues) {
  auto [tie, k] = half_way_latent();
  ASSERT_GE(k, 0) << "no latent rounds half way";
  float nan = std::numeric_limits<float>::quiet_NaN();
  float inf = std::numeric_limits<float>::infinity();
  std::vector<float> x = {-1.f, 1.f, 0.f, -3.f, 2.f, tie, nan, inf, -inf};
  std::vector<uint8_t> expected = {
      0, 255, 128 /* 127.5, half to even */, 0, 255, static_cast<uint8_t>(k), 0 /* NaN */, 255, 0};
  at::Tensor latents = at::tensor(x, at::kFloat).reshape({1, 1, 1, 9});
  at::Tensor images = run_block(latents);
  EXPECT_TRUE(at::equal(images, at::tensor(expected, at::kByte).reshape({1, 1, 9, 1}))) << images;
}

TEST(LatentsToImage, ChannelsGoLast) {
  at::Tensor latents = at::randn({2, 3, 5, 7}, at::detail::createCPUGenerator(1)).clamp(-1, 1);
  at::Tensor images = run_block(latents);
  for (int64_t b : {0, 1}) {
    for (int64_t c = 0; c < 3; ++c) {
      at::Tensor plane = direct(latents).select(3, c)[b];
      EXPECT_TRUE(at::equal(images[b].select(2, c), plane)) << b << ", " << c;
    }
  }
  // A non-contiguous CPU input gives the same bytes as its contiguous copy.
  at::Tensor transposed = latents.transpose(2, 3);
  EXPECT_TRUE(at::equal(run_block(transposed), run_block(transposed.contiguous())));
}

TEST(LatentsToImage, Float16IsReadExactly) {
  at::Tensor latents = test_latents();
  at::Tensor half = latents.to(at::kHalf);
  EXPECT_TRUE(at::equal(run_block(half), run_block(half.to(at::kFloat))));
}

TEST(LatentsToImage, RefusesWhatItDoesNotSupport) {
  std::string error = error_of([] { run_block(at::zeros({1, 3, 2, 2}, at::kDouble)); });
  EXPECT_NE(error.find("cuda.LatentsToImage"), std::string::npos) << error;
  EXPECT_NE(error.find("expected float32 or float16, got Double"), std::string::npos) << error;
  error = error_of([] { run_block(at::zeros({1, 3, 2, 2}, at::kBFloat16)); });
  EXPECT_NE(error.find("BFloat16"), std::string::npos) << error;
  error = error_of([] { run_block(at::zeros({3, 2, 2})); });
  EXPECT_NE(error.find("expected a (N, C, H, W) tensor, got shape (3, 2, 2)"), std::string::npos) << error;
}

// The kernel itself on raw device memory, against the CPU path: needs a GPU
// and its driver only (this project's LibTorch may have no CUDA).
TEST(LatentsToImage, CudaKernelMatchesTheCpuPathBitForBit) {
  int device = usable_cuda_device();
  if (device < 0) GTEST_SKIP() << "no usable CUDA device";
  at::Tensor latents = test_latents();
  at::Tensor half_bits = latents.to(at::kHalf);
  at::Tensor expected = run_block(latents);
  at::Tensor expected_half = run_block(half_bits);
  int64_t n = latents.numel();

  void* in_memory = nullptr;
  void* half_memory = nullptr;
  void* out_memory = nullptr;
  ASSERT_EQ(cudaMalloc(&in_memory, n * sizeof(float)), cudaSuccess);
  ASSERT_EQ(cudaMalloc(&half_memory, n * sizeof(uint16_t)), cudaSuccess);
  ASSERT_EQ(cudaMalloc(&out_memory, n), cudaSuccess);
  auto* d_in = static_cast<float*>(in_memory);
  auto* d_half = static_cast<uint16_t*>(half_memory);
  auto* d_out = static_cast<uint8_t*>(out_memory);
  ASSERT_EQ(cudaMemcpy(d_in, latents.data_ptr<float>(), n * sizeof(float), cudaMemcpyHostToDevice), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(d_half, half_bits.data_ptr(), n * sizeof(uint16_t), cudaMemcpyHostToDevice), cudaSuccess);
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), cudaSuccess);

  at::Tensor got = at::empty_like(expected);
  // On the given stream, then on the legacy default stream (nullptr).
  for (cudaStream_t s : {stream, static_cast<cudaStream_t>(nullptr)}) {
    ASSERT_EQ(cudaMemset(d_out, 0xab, n), cudaSuccess);
    ASSERT_EQ(brick_cuda::launch_latents_to_image_f32(d_in, d_out, 2, 3, 40 * 25, device, s), cudaSuccess);
    ASSERT_EQ(cudaStreamSynchronize(s), cudaSuccess);
    ASSERT_EQ(cudaMemcpy(got.data_ptr<uint8_t>(), d_out, n, cudaMemcpyDeviceToHost), cudaSuccess);
    EXPECT_TRUE(at::equal(got, expected)) << "float32, stream " << s;

    ASSERT_EQ(cudaMemset(d_out, 0xab, n), cudaSuccess);
    ASSERT_EQ(brick_cuda::launch_latents_to_image_f16(d_half, d_out, 2, 3, 40 * 25, device, s), cudaSuccess);
    ASSERT_EQ(cudaStreamSynchronize(s), cudaSuccess);
    ASSERT_EQ(cudaMemcpy(got.data_ptr<uint8_t>(), d_out, n, cudaMemcpyDeviceToHost), cudaSuccess);
    EXPECT_TRUE(at::equal(got, expected_half)) << "float16, stream " << s;
  }
  // An empty batch launches nothing.
  EXPECT_EQ(brick_cuda::launch_latents_to_image_f32(d_in, d_out, 0, 3, 4, device, stream), cudaSuccess);
  cudaStreamDestroy(stream);
  cudaFree(d_in);
  cudaFree(d_half);
  cudaFree(d_out);
}

// The block on CUDA tensors, through the loader: needs a CUDA-enabled
// LibTorch (Debian's has none).
TEST(LatentsToImage, CudaTensorsThroughTheBlock) {
  if (!at::hasCUDA()) GTEST_SKIP() << "this LibTorch has no CUDA device";
  at::Tensor latents = test_latents();
  at::Tensor images = run_block(latents.to(at::Device(at::kCUDA, 0)), brick_device{2, 0});
  EXPECT_TRUE(images.is_cuda());
  EXPECT_EQ(images.scalar_type(), at::kByte);
  EXPECT_TRUE(at::equal(images.cpu(), run_block(latents)));
  EXPECT_TRUE(at::equal(run_block(latents.to(at::kHalf).to(at::Device(at::kCUDA, 0)), brick_device{2, 0}).cpu(),
                        run_block(latents.to(at::kHalf))));
  // Not contiguous: refused (a copy would run on ATen's stream, not the host's).
  std::string error = error_of([&] { run_block(latents.to(at::Device(at::kCUDA, 0)).transpose(2, 3), {2, 0}); });
  EXPECT_NE(error.find("must be contiguous"), std::string::npos) << error;
}
