// RunOptions: a run's id on its progress, its own progress sink, the
// step-end callback (diffusers' callback_on_step_end) and cancellation,
// through a plugin loop wrapper and a host sequence.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "brick/host/base/error.h"
#include "brick/host/base/progress.h"
#include "brick/host/blocks/run_context.h"
#include "brick/host/blocks/sequential_blocks.h"
#include "brick/host/pipeline/modular_pipeline.h"
#include "composition_support.h"

namespace brick::test {
namespace {

using host::Value;

host::Kwargs three_steps() {
  return {{"timesteps", Value::list({Value(999), Value(500), Value(1)})}, {"num_inference_steps", Value(3)}};
}

TEST(RunOptions, ProgressGoesToTheRunsOwnSinkWithItsId) {
  auto pipe = test_host().create_block("test_composition.TimestepLoop")->init_pipeline();
  std::vector<std::string> global;
  host::ProgressSink previous =
      host::set_progress_sink([&](const host::ProgressRecord& r) { global.emplace_back(r.run_id); });
  std::vector<std::string> own;
  host::RunOptions options;
  options.run_id = "job-7";
  options.progress = [&](const host::ProgressRecord& r) {
    own.push_back(std::string(r.run_id) + ":" + std::to_string(r.done) + "/" + std::to_string(r.total));
  };
  pipe.run(three_steps(), options);
  pipe(three_steps());  // no options: the process's sink, with a generated id
  host::set_progress_sink(std::move(previous));
  EXPECT_EQ(own, (std::vector<std::string>{"job-7:1/3", "job-7:2/3", "job-7:3/3"}));
  ASSERT_EQ(global.size(), 3u);
  EXPECT_EQ(global[0].rfind("run-", 0), 0u) << global[0];
  EXPECT_EQ(global[0], global[2]);
}

TEST(RunOptions, StepEndSeesEveryIterationAndCanChangeTheLoopState) {
  // The seed document's loop: each LoopBlock adds 1 to x, twice per step.
  auto loop = test_host().create_block("test_composition.LoopWrapper");
  loop->sub_blocks().set("block1", test_host().create_block("test_composition.LoopBlock"));
  loop->sub_blocks().set("block2", test_host().create_block("test_composition.LoopBlock"));
  auto pipe = loop->init_pipeline();
  std::vector<std::string> seen;
  host::RunOptions options;
  options.on_step_end = [&](const host::StepEnd& step) {
    seen.push_back(step.loop.class_name() + " x=" + step.block_state.get("x")->repr());
    if (seen.size() == 2) step.block_state.set("x", Value(100));  // what callback_on_step_end returns
  };
  EXPECT_EQ(pipe.run({{"num_steps", Value(3)}, {"x", Value(0)}}, options).get("x"), Value(102));
  EXPECT_EQ(seen, (std::vector<std::string>{"LoopWrapper x=2", "LoopWrapper x=4", "LoopWrapper x=102"}));
}

TEST(RunOptions, ACancelledRunStopsAtTheNextLoopStep) {
  auto pipe = test_host().create_block("test_composition.TimestepLoop")->init_pipeline();
  auto cancel = std::make_shared<std::atomic<bool>>(false);
  int steps = 0;
  host::RunOptions options;
  options.run_id = "to-cancel";
  options.cancel = cancel;
  options.on_step_end = [&](const host::StepEnd&) {
    if (++steps == 1) cancel->store(true);
  };
  try {
    pipe.run(three_steps(), options);
    FAIL() << "the run was not cancelled";
  } catch (const host::Error& e) {
    EXPECT_EQ(e.status(), BRICK_ERR_CANCELLED) << e.what();
    EXPECT_NE(std::string(e.what()).find("run to-cancel was cancelled"), std::string::npos) << e.what();
  }
  EXPECT_EQ(steps, 1);
  // The pipeline runs again afterwards.
  EXPECT_EQ(pipe(three_steps()).get("steps_run"), Value(3));
}

TEST(RunOptions, ACancelledRunStopsBeforeTheNextBlockOfASequence) {
  auto sequence = std::make_unique<host::SequentialPipelineBlocks>();
  sequence->sub_blocks().set("first",
                             step(R"({"inputs": [{"name": "x"}], "outputs": [{"name": "x"}], "add": {"x": 1}})"));
  sequence->sub_blocks().set("second",
                             step(R"({"inputs": [{"name": "x"}], "outputs": [{"name": "x"}], "add": {"x": 10}})"));
  host::ModularPipeline pipe(std::move(sequence));
  auto cancel = std::make_shared<std::atomic<bool>>(true);
  host::RunOptions options;
  options.cancel = cancel;
  EXPECT_THROW(pipe.run({{"x", Value(0)}}, options), host::Error);
  cancel->store(false);
  EXPECT_EQ(pipe.run({{"x", Value(0)}}, options).get("x"), Value(11));
}

TEST(RunOptions, RunsOnTwoThreadsSeeOnlyTheirOwnOptions) {
  auto first = test_host().create_block("test_composition.TimestepLoop")->init_pipeline();
  auto second = test_host().create_block("test_composition.TimestepLoop")->init_pipeline();
  auto run = [](host::ModularPipeline& pipe, const std::string& id, std::vector<std::string>& ids) {
    host::RunOptions options;
    options.run_id = id;
    options.progress = [&ids](const host::ProgressRecord& r) { ids.emplace_back(r.run_id); };
    for (int i = 0; i < 20; ++i) pipe.run(three_steps(), options);
  };
  std::vector<std::string> a, b;
  std::thread ta(run, std::ref(first), "a", std::ref(a));
  std::thread tb(run, std::ref(second), "b", std::ref(b));
  ta.join();
  tb.join();
  EXPECT_EQ(a, std::vector<std::string>(60, "a"));
  EXPECT_EQ(b, std::vector<std::string>(60, "b"));
  EXPECT_EQ(host::RunScope::current(), nullptr);
}

TEST(RunOptions, ASecondRunOfOnePipelineFromAnotherThreadIsRefused) {
  auto pipe = test_host().create_block("test_composition.TimestepLoop")->init_pipeline();
  std::string refused;
  host::RunOptions options;
  options.on_step_end = [&](const host::StepEnd&) {
    if (!refused.empty()) return;
    // While the first run is inside its loop, another thread tries the same pipeline.
    std::thread other([&] {
      try {
        pipe(three_steps());
        refused = "(ran)";
      } catch (const host::Error& e) {
        refused = e.what();
        EXPECT_EQ(e.status(), BRICK_ERR_UNSUPPORTED);
      }
    });
    other.join();
  };
  EXPECT_EQ(pipe.run(three_steps(), options).get("steps_run"), Value(3));  // the first run is unharmed
  EXPECT_NE(refused.find("this pipeline is already running"), std::string::npos) << refused;
  EXPECT_EQ(pipe(three_steps()).get("steps_run"), Value(3));  // and the pipeline runs again afterwards
}

TEST(RunOptions, ARunStartedFromItsOwnCallbackIsRefusedAndTheFlagClearsOnFailure) {
  auto pipe = test_host().create_block("test_composition.TimestepLoop")->init_pipeline();
  host::RunOptions options;
  options.on_step_end = [&](const host::StepEnd&) { pipe(three_steps()); };
  EXPECT_THROW(pipe.run(three_steps(), options), host::Error);
  EXPECT_EQ(pipe(three_steps()).get("steps_run"), Value(3));
}

}  // namespace
}  // namespace brick::test
