// Loop wrappers from plugins: the seed document's example, iteration
// arguments, progress, and the leaf rule.
#include <gtest/gtest.h>

#include "brick/host/base/progress.h"
#include "brick/host/pipeline/modular_pipeline.h"
#include "composition_support.h"

namespace brick::test {
namespace {

using host::Value;

host::BlockPtr seed_loop() {
  // LoopWrapper.from_blocks_dict({"block1": LoopBlock(), "block2": LoopBlock})
  auto loop = test_host().create_block("test_composition.LoopWrapper");
  loop->sub_blocks().set("block1", test_host().create_block("test_composition.LoopBlock"));
  loop->sub_blocks().set("block2", test_host().create_block("test_composition.LoopBlock"));
  return loop;
}

TEST(Seed003, LoopWrapperWithTwoLoopBlocksCountsToSix) {
  auto pipe = seed_loop()->init_pipeline();
  EXPECT_EQ(pipe.output({{"num_steps", Value(3)}, {"x", Value(0)}}, "x"), Value(6));
  EXPECT_EQ(pipe.output({{"num_steps", Value(0)}, {"x", Value(5)}}, "x"), Value(5));
}

TEST(Seed003, TheWrappersInterfaceMergesItsLoopBlocks) {
  auto loop = seed_loop();
  EXPECT_EQ(loop->class_name(), "LoopWrapper");
  EXPECT_EQ(loop->model_name(), "test");
  EXPECT_EQ(loop->input_names(), (std::vector<std::string>{"num_steps", "x"}));
  EXPECT_EQ(loop->intermediate_output_names(), std::vector<std::string>{"x"});
  EXPECT_EQ(loop->doc(),
            "class LoopWrapper\n"
            "\n"
            "  I'm a loop!!\n"
            "\n"
            "  Inputs:\n"
            "      num_steps (`None`, *optional*):\n"
            "          TODO: Add description.\n"
            "      x (`None`, *optional*):\n"
            "          TODO: Add description.\n"
            "\n"
            "  Outputs:\n"
            "      x (`None`):\n"
            "          TODO: Add description.");
}

TEST(Loop, IterationArgumentsReachTheSubBlocksAndProgressIsReported) {
  auto loop = test_host().create_block("test_composition.TimestepLoop");
  EXPECT_EQ(names_in(*loop), std::vector<std::string>{"record"});  // its default sub-block
  std::vector<std::pair<int64_t, int64_t>> progress;
  host::ProgressSink previous =
      host::set_progress_sink([&progress](const host::ProgressRecord& r) { progress.emplace_back(r.done, r.total); });
  auto state = loop->init_pipeline()(
      {{"timesteps", Value::list({Value(999), Value(500), Value(1)})}, {"num_inference_steps", Value(3)}});
  host::set_progress_sink(std::move(previous));
  EXPECT_EQ(state.get("record").repr(), "[[0, 999], [1, 500], [2, 1]]");
  EXPECT_EQ(state.get("steps_run"), Value(3));
  EXPECT_EQ(progress, (std::vector<std::pair<int64_t, int64_t>>{{1, 3}, {2, 3}, {3, 3}}));
}

TEST(Loop, ARequiredLoopInputIsEnforced) {
  auto pipe = test_host().create_block("test_composition.TimestepLoop")->init_pipeline();
  try {
    pipe({{"num_inference_steps", Value(3)}});
    FAIL();
  } catch (const host::BlockError& e) {
    EXPECT_EQ(std::string(e.what()),
              "Error in block 'test_composition.TimestepLoop': Required input 'timesteps' is missing");
  }
}

TEST(Loop, DifferentLoopBlocksShareTheBlockState) {
  auto loop = seed_loop();
  loop->sub_blocks().set("double", step(R"({"inputs": [{"name": "x"}], "outputs": [{"name": "x"}], "add": {"x": 2}})"));
  EXPECT_EQ(loop->init_pipeline().output({{"num_steps", Value(2)}, {"x", Value(0)}}, "x"), Value(8));
}

TEST(Loop, AFailingLoopBlockNamesItselfAndTheWrapper) {
  auto loop = seed_loop();
  loop->sub_blocks().set("bad", step(R"({"fail": "diverged"})"));
  try {
    loop->init_pipeline()({{"num_steps", Value(2)}, {"x", Value(0)}});
    FAIL();
  } catch (const host::BlockError& e) {
    EXPECT_EQ(e.block(), "test_composition.LoopWrapper");
    EXPECT_EQ(std::string(e.what()),
              "Error in block 'test_composition.LoopWrapper': Error in block 'test_composition.Step': diverged");
  }
}

TEST(Loop, SubBlocksMustBeLeaves) {
  try {
    test_host().create_block("test_composition.BadLoop");
    FAIL();
  } catch (const host::Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "In BadLoop, sub_blocks must be leaf blocks (no sub_blocks). Block 'inner' (ImageAuto) has sub_blocks.");
  }
  auto loop = seed_loop();
  loop->sub_blocks().set("nested", test_host().create_block("test_composition.ImageAuto"));
  EXPECT_THROW(loop->init_pipeline()({{"num_steps", Value(1)}, {"x", Value(0)}}), host::Error);
}

TEST(Loop, ABlockWithoutALoopCallIsRefusedInsideALoop) {
  auto loop = seed_loop();
  loop->sub_blocks().set("plain", test_host().create_block("test_blocks.PassThrough"));
  try {
    loop->init_pipeline()({{"num_steps", Value(1)}, {"x", Value(0)}, {"a", Value(1)}, {"b", Value(1)}});
    FAIL();
  } catch (const host::Error& e) {
    EXPECT_NE(std::string(e.what()).find("'PassThrough' cannot run inside a loop"), std::string::npos) << e.what();
  }
}

TEST(Loop, CopiesAreIndependent) {
  auto loop = seed_loop();
  auto copy = loop->clone();
  copy->sub_blocks().pop("block2");
  EXPECT_EQ(loop->init_pipeline().output({{"num_steps", Value(3)}, {"x", Value(0)}}, "x"), Value(6));
  EXPECT_EQ(copy->init_pipeline().output({{"num_steps", Value(3)}, {"x", Value(0)}}, "x"), Value(3));
}

}  // namespace
}  // namespace brick::test
