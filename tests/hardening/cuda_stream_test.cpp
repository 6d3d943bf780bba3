// Streams and devices on a GPU (issue 12): a producer and a consumer block on
// a non-default stream, with CUDA_LAUNCH_BLOCKING=0 and a delay kernel in the
// producer, give the right pixels only when the host makes the pipeline's
// stream ATen's current stream around every call and the cuda plugin launches
// on it. Skipped (exit 77) without a LibTorch built with CUDA or without a GPU.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "brick/host/blocks/sequential_blocks.h"
#include "brick/host/plugin/call_guards.h"
#include "hardening_support.h"

#ifdef BRICK_TEST_TORCH_CUDA
#include <ATen/Context.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/all.h>
#include <ATen/ops/eq.h>
#include <c10/cuda/CUDAStream.h>
#endif

using namespace brick::host;

namespace {

#ifdef BRICK_TEST_TORCH_CUDA
// Before any CUDA call: kernels must run asynchronously for the test to mean anything.
const bool kAsynchronous = [] { return setenv("CUDA_LAUNCH_BLOCKING", "0", 1) == 0; }();

Host& cuda_host() {
  static Host* instance = [] {
    auto* h = new Host();
    h->load_plugin(std::string(BRICK_BINARY_DIR) + "/lib/brick/plugins/cuda.so");
    h->load_plugin(brick::test::plugin_path("test_cuda_stream"));
    return h;
  }();
  return *instance;
}

ModularPipeline produce_then_decode() {
  NamedBlocks blocks;
  blocks.emplace_back("produce", cuda_host().create_block("test_cuda_stream.SlowLatents"));
  blocks.emplace_back("decode", cuda_host().create_block("cuda.LatentsToImage"));
  return SequentialPipelineBlocks(std::move(blocks)).init_pipeline();
}
#endif

#define SKIP_WITHOUT_GPU()                                                                \
  do {                                                                                    \
    if (!gpu_available())                                                                 \
      GTEST_SKIP() << "no GPU here, or this LibTorch has no CUDA (Debian's is CPU-only; " \
                      "build against a CUDA LibTorch, docs/building.md)";                 \
  } while (0)

bool gpu_available() {
#ifdef BRICK_TEST_TORCH_CUDA
  return kAsynchronous && at::hasCUDA();
#else
  return false;
#endif
}

}  // namespace

TEST(CudaStreams, ProducerAndConsumerAreOrderedOnANonDefaultStream) {
  SKIP_WITHOUT_GPU();
#ifdef BRICK_TEST_TORCH_CUDA
  ModularPipeline pipe = produce_then_decode();
  // A pool stream does not synchronise with the default stream: without the
  // host's stream guard the producer's fill (on ATen's default stream, after
  // the delay) and the decode kernel (on this stream) would race.
  c10::cuda::CUDAStream stream = c10::cuda::getStreamFromPool(/*isHighPriority=*/false, 0);
  pipe.to(brick_device{2, 0}, stream.stream());
  PipelineState out = pipe({{"value", 0.5}});
  stream.synchronize();
  auto given = static_cast<int64_t>(reinterpret_cast<intptr_t>(stream.stream()));
  EXPECT_EQ(out.get("aten_stream").as_int(), given);   // ATen's current stream in the block
  EXPECT_EQ(out.get("given_stream").as_int(), given);  // host->get_stream
  at::Tensor images = out.get("images").as_tensor();
  ASSERT_TRUE(images.is_cuda());
  // latent 0.5 -> round(clamp(0.5 / 2 + 0.5, 0, 1) * 255) = 191
  EXPECT_TRUE(at::all(at::eq(images.cpu(), 191)).item<bool>());
#endif
}

TEST(CudaStreams, GetStreamIsNeverNullForACudaPipeline) {
  SKIP_WITHOUT_GPU();
#ifdef BRICK_TEST_TORCH_CUDA
  ModularPipeline pipe = produce_then_decode();
  pipe.to(brick_device{2, 0});  // no stream of its own: the device's current one
  PipelineState out = pipe({{"delay_cycles", int64_t{0}}});
  EXPECT_NE(out.get("given_stream").as_int(), 0);
  c10::cuda::getCurrentCUDAStream(0).synchronize();
  EXPECT_TRUE(at::all(at::eq(out.get("images").as_tensor().cpu(), 191)).item<bool>());
#endif
}

TEST(CudaStreamsDeathTest, DebugSyncBlamesTheBlockThatLaunchedTheFault) {
  SKIP_WITHOUT_GPU();
#ifdef BRICK_TEST_TORCH_CUDA
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  // A device-side assert ruins the CUDA context: in a child process.
  EXPECT_EXIT(
      {
        set_debug_sync(true);
        ModularPipeline pipe = cuda_host().create_block("test_cuda_stream.FaultsLater")->init_pipeline();
        pipe.to(brick_device{2, 0});
        try {
          pipe({});
        } catch (const BlockError& e) {
          std::fprintf(stderr, "%s\n", e.what());
          std::exit(e.block() == "test_cuda_stream.FaultsLater" ? 3 : 4);
        }
        std::exit(5);
      },
      testing::ExitedWithCode(3),
      "Error in block 'test_cuda_stream.FaultsLater': CUDA error found by debug sync right after it ran");
#endif
}
