// ModularPipeline: seeding inputs, output selection, unexpected inputs, and
// never mutating what the caller passed (checklist items 32-34).
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "brick/host/pipeline/modular_pipeline.h"
#include "test_support.h"

using brick::host::PipelineState;
using brick::host::Value;

namespace {
brick::host::ModularPipeline add_pipeline() {
  return brick::test::test_host().create_block("test_blocks.Add")->init_pipeline();
}
}  // namespace

TEST(ModularPipeline, OutputSelectsOneValueOrSeveral) {
  auto pipe = add_pipeline();
  brick::host::Kwargs kwargs{{"a", at::ones({1})}, {"b", at::ones({1})}, {"alpha", 2.0}};
  EXPECT_TRUE(pipe.output(kwargs, "out").as_tensor().equal(at::full({1}, 3.0)));
  Value::Dict some = pipe.outputs(kwargs, {"alpha", "out", "nowhere"});
  ASSERT_EQ(some.size(), 3u);
  EXPECT_EQ(some[0].second.as_float(), 2.0);
  EXPECT_TRUE(some[1].second.is_tensor());
  EXPECT_TRUE(some[2].second.is_none());
  EXPECT_TRUE(pipe.output(kwargs, "nowhere").is_none());
}

TEST(ModularPipeline, UnexpectedInputsAreWarnedAboutAndTheRunHappens) {
  brick::test::LogCapture log;
  auto pipe = add_pipeline();
  PipelineState state = pipe({{"a", at::ones({1})}, {"b", at::ones({1})}, {"foo", 1}, {"bar", "x"}});
  EXPECT_TRUE(state.contains("out"));
  EXPECT_FALSE(state.contains("foo"));
  EXPECT_TRUE(log.contains("Unexpected input 'dict_keys(['foo', 'bar'])' provided. This input will be ignored."));
}

TEST(ModularPipeline, APassedStateIsCopiedNotMutated) {
  PipelineState given;
  at::Tensor a = at::ones({2});
  given.set("a", a);
  given.set("b", at::ones({2}));
  auto pipe = add_pipeline();
  PipelineState result = pipe({{"alpha", 3.0}}, &given);
  EXPECT_FALSE(given.contains("out"));
  EXPECT_FALSE(given.contains("alpha"));
  EXPECT_TRUE(result.get("out").as_tensor().equal(at::full({2}, 4.0)));
  // Its tensors were deep-copied, as diffusers' deepcopy does.
  EXPECT_NE(result.get("a").as_tensor().data_ptr(), a.data_ptr());
  // A value in the passed state is used instead of the default.
  given.set("alpha", 0.5);
  EXPECT_TRUE(pipe.output({}, "out", &given).as_tensor().equal(at::full({2}, 1.5)));
}

TEST(ModularPipeline, BlocksIsACopy) {
  auto block = brick::test::test_host().create_block("test_blocks.Add");
  auto pipe = block->init_pipeline();
  auto copy = pipe.blocks();
  EXPECT_NE(copy.get(), block.get());
  EXPECT_EQ(copy->doc(), pipe.doc());
  EXPECT_EQ(pipe.doc(), block->doc());
}

TEST(ModularPipeline, RunsAreIndependent) {
  auto pipe = brick::test::test_host().create_block("test_throwing.Counter")->init_pipeline();
  EXPECT_EQ(pipe.output({}, "runs").as_int(), 1);
  EXPECT_EQ(pipe.output({}, "runs").as_int(), 2);  // the block instance keeps its own state
  auto other = brick::test::test_host().create_block("test_throwing.Counter")->init_pipeline();
  EXPECT_EQ(other.output({}, "runs").as_int(), 1);
}
