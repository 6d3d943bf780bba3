// Seed 004's worked example: a legacy block with `inputs` (local changes stay
// local) and `intermediate_inputs` (changes propagate).
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "test_support.h"

using brick::host::PipelineState;
using brick::host::Value;

TEST(Seed004, LegacyInputsStayLocalAndIntermediatesPropagate) {
  brick::test::LogCapture log;
  Value image("<PIL.Image.Image image mode=RGB size=512x512>");
  auto pipe = brick::test::test_host().create_block("test_blocks.TestBlock")->init_pipeline();
  PipelineState state = pipe({{"image", image}, {"batch_size", 2}});

  EXPECT_EQ(state.get("batch_size").as_int(), 4);
  EXPECT_TRUE(state.get("image").is(image));  // the block's new image stayed local
  ASSERT_TRUE(state.get("image_latents").is_tensor());
  EXPECT_EQ(state.get("image_latents").repr(), "Tensor(dtype=torch.float32, shape=torch.Size([1, 4, 64, 64]))");
  EXPECT_FALSE(state.contains("processed_image"));

  // The block state as the block printed it, before and after its update.
  EXPECT_TRUE(log.contains("block_state (before update): BlockState(\n"
                           "    image: '<PIL.Image.Image image mode=RGB size=512x512>'\n"
                           "    batch_size: 2\n"
                           ")"));
  std::string shape = "torch.Size([1, 3, 512, 512])";
  EXPECT_TRUE(log.contains("block_state (after update): BlockState(\n"
                           "    image: Tensor(dtype=torch.float32, shape=" + shape + ")\n"
                           "    batch_size: 4\n"
                           "    processed_image: list[4] of Tensors with shapes [" + shape + ", " + shape + ", " +
                           shape + ", " + shape + "]\n"
                           "    image_latents: Tensor(dtype=torch.float32, shape=torch.Size([1, 4, 64, 64]))\n"
                           ")"));
}

TEST(Seed004, DocListsTheIntermediateInputAsAnInput) {
  auto block = brick::test::test_host().create_block("test_blocks.TestBlock");
  EXPECT_EQ(block->input_names(), (std::vector<std::string>{"image", "batch_size"}));
  EXPECT_EQ(block->doc(),
            "class TestBlock\n"
            "\n"
            "  Encode raw image into its latent presentation\n"
            "\n"
            "  Inputs:\n"
            "      image (`PIL.Image`, *optional*):\n"
            "          raw input image to process\n"
            "      batch_size (`int`, *optional*):\n"
            "          TODO: Add description.\n"
            "\n"
            "  Outputs:\n"
            "      image_latents (`None`):\n"
            "          latents representing the image");
}

TEST(Seed004, LegacyPlainInputsAreHandedOverAsCopies) {
  // A legacy input is immutable: the block works on a deep copy, so not even
  // an in-place change reaches the caller. An intermediate input is shared.
  at::Tensor source = at::ones({2});
  at::Tensor target = at::ones({2});
  brick::test::run_block("test_blocks.LegacyInPlace", {{"source", source}, {"target", target}});
  EXPECT_TRUE(source.equal(at::ones({2})));
  EXPECT_TRUE(target.equal(at::full({2}, 2.0)));
}
