// What the host installs around a plugin call (issue 12, "Streams and
// devices"), seen from inside a block: c10::InferenceMode unless the block
// declares BRICK_BLOCK_NEEDS_GRAD, the pipeline's device, and a stream that
// is NULL only for a CPU pipeline. The CUDA half is cuda_stream_test.cpp.
#include <gtest/gtest.h>

#include <ATen/core/Tensor.h>
#include <c10/core/GradMode.h>
#include <c10/core/InferenceMode.h>

#include <cstdlib>

#include "brick/host/plugin/call_guards.h"
#include "hardening_support.h"

using namespace brick::host;
using brick::test::pipeline_of;
using brick::test::run_block;

TEST(CallGuards, BlocksRunUnderInferenceMode) {
  ASSERT_FALSE(c10::InferenceMode::is_enabled());
  PipelineState out = run_block("test_hardening.ReportCallGuards");
  EXPECT_TRUE(out.get("inference_mode").as_bool());
  EXPECT_FALSE(out.get("grad_mode").as_bool());
  // What the block made is an inference tensor: no autograd graph.
  EXPECT_TRUE(out.get("made").as_tensor().is_inference());
  // The guard ends with the call.
  EXPECT_FALSE(c10::InferenceMode::is_enabled());
  EXPECT_TRUE(c10::GradMode::is_enabled());
}

TEST(CallGuards, ABlockThatNeedsGradientsGetsThem) {
  PipelineState out = run_block("test_hardening.ReportCallGuardsNeedsGrad");
  EXPECT_FALSE(out.get("inference_mode").as_bool());
  EXPECT_TRUE(out.get("grad_mode").as_bool());
  EXPECT_FALSE(out.get("made").as_tensor().is_inference());
  // Also when the caller itself runs under inference mode (a NEEDS_GRAD
  // block inside a loop wrapper that does not).
  c10::InferenceMode outer;
  out = run_block("test_hardening.ReportCallGuardsNeedsGrad");
  EXPECT_FALSE(out.get("inference_mode").as_bool());
  EXPECT_TRUE(out.get("grad_mode").as_bool());
}

TEST(CallGuards, ACpuPipelineHasNoStream) {
  // NULL means one thing: the pipeline runs on the CPU.
  ModularPipeline pipe = pipeline_of("test_hardening.ReportCallGuards");
  int marker = 0;
  pipe.to(brick_device{1, 0}, &marker);  // a stream given for a CPU pipeline is not a CUDA stream
  PipelineState out = pipe({});
  EXPECT_EQ(out.get("device").as_string(), "cpu");
  EXPECT_EQ(out.get("stream").as_int(), 0);
}

TEST(CallGuardsDeathTest, DebugSyncIsReadFromTheEnvironment) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");  // a fresh process: nothing has set it yet
  EXPECT_EXIT(
      {
        setenv("BRICK_DEBUG_SYNC", "1", 1);
        std::exit(debug_sync() ? 0 : 1);
      },
      testing::ExitedWithCode(0), "");
  EXPECT_EXIT(
      {
        setenv("BRICK_DEBUG_SYNC", "0", 1);
        std::exit(debug_sync() ? 0 : 1);
      },
      testing::ExitedWithCode(1), "");
}

TEST(CallGuards, DebugSyncIsSwitchedByTheEnvironmentOrTheHost) {
  // BRICK_DEBUG_SYNC is read once, when nothing set it; the host's switch wins.
  set_debug_sync(true);
  EXPECT_TRUE(debug_sync());
  set_debug_sync(false);
  EXPECT_FALSE(debug_sync());
  // On a CPU pipeline there is nothing to synchronise: blocks run as before.
  set_debug_sync(true);
  EXPECT_TRUE(run_block("test_hardening.ReportCallGuards").get("inference_mode").as_bool());
  set_debug_sync(false);
}
