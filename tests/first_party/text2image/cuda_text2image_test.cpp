// The text-to-image pipeline on CUDA keeps its state on the device: the
// denoise loop runs under LibTorch's CUDA sync-debug mode set to error, so a
// copy to the host or any synchronisation inside it fails the test. Built
// only against a LibTorch with CUDA; skipped without a GPU.
#include <ATen/Context.h>
#include <c10/cuda/CUDAFunctions.h>

#include "text2image_support.h"

namespace brick::test {
namespace {

// A pipeline over some of the blocks, sharing `pipe`'s component objects.
ModularPipeline part_of(ModularPipeline& pipe, BlockPtr blocks) {
  PipelineOptions options;
  options.component_types = first_party_host().component_types();
  ModularPipeline part(std::move(blocks), options);
  part.update_components(pipe.components().all());
  part.to(pipe.components().device());
  return part;
}

// Restores the default mode however the test ends.
struct SyncDebugError {
  SyncDebugError() { c10::cuda::warning_state().set_sync_debug_mode(c10::cuda::SyncDebugMode::L_ERROR); }
  ~SyncDebugError() { c10::cuda::warning_state().set_sync_debug_mode(c10::cuda::SyncDebugMode::L_DISABLED); }
};

TEST(TextToImageCuda, TheDenoiseLoopNeitherCopiesToTheHostNorSynchronises) {
  if (!at::hasCUDA()) GTEST_SKIP() << "no CUDA device";
  ModularPipeline pipe = text2image_pipeline();
  pipe.to(brick_device{2, 0});
  TempDir dir;

  // Split the sequence: what runs before the loop (it may copy the seeded
  // noise to the device), the loop alone, then decoding and saving.
  BlockPtr before = pipe.blocks();
  BlockPtr loop = before->sub_blocks().pop("denoise");
  before->sub_blocks().pop("decode");
  before->sub_blocks().pop("save");
  ModularPipeline prepare = part_of(pipe, std::move(before));
  ModularPipeline denoise = part_of(pipe, std::move(loop));

  PipelineState state = prepare(inputs({{"prompt", Value("a red circle")}}, dir / "cuda.png"));
  ASSERT_TRUE(state.find("latents")->as_tensor().is_cuda());
  {
    SyncDebugError guard;
    state = denoise({}, &state);
  }
  at::Tensor latents = state.find("latents")->as_tensor();
  EXPECT_TRUE(latents.is_cuda());

  // The whole pipeline on the GPU draws what the CPU draws.
  Value images = pipe.output(inputs({{"prompt", Value("a red circle")}}, dir / "cuda.png"), "images");
  EXPECT_TRUE(images.as_tensor().is_cuda());
  Seen seen = classify(pipe, images);
  EXPECT_EQ(seen.color + " " + seen.shape, "red circle");
}

}  // namespace
}  // namespace brick::test
