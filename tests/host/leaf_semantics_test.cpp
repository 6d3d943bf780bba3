// A leaf block's state exchange, through real plugin blocks: the Modular
// Diffusers v0.40 rules for required inputs, defaults, write-back, undeclared
// values and kwargs tags (checklist items 21-31 of the semantics reference).
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "brick/host/base/error.h"
#include "test_support.h"

using brick::host::BlockError;
using brick::host::Kwargs;
using brick::host::PipelineState;
using brick::host::Value;
using brick::test::run_block;

namespace {
std::vector<std::string> keys_of(const PipelineState& state) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : state.values()) keys.push_back(key);
  return keys;
}
}  // namespace

TEST(LeafSemantics, MissingRequiredInputNamesTheBlockAndTheInput) {
  BlockError e = brick::test::block_error_of("test_blocks.RequiredInput");
  EXPECT_EQ(e.status(), BRICK_ERR_MISSING_INPUT);
  EXPECT_EQ(e.block(), "test_blocks.RequiredInput");
  EXPECT_STREQ(e.what(), "Error in block 'test_blocks.RequiredInput': Required input 'x' is missing");
  // Passing None is missing too.
  EXPECT_THROW(run_block("test_blocks.RequiredInput", {{"x", Value()}}), BlockError);
  EXPECT_EQ(run_block("test_blocks.RequiredInput", {{"x", 3}}).get("y").as_int(), 3);
}

TEST(LeafSemantics, RequiredInputWithADefaultNeverFails) {
  // diffusers #14388, kept for parity: the default fills the value first.
  PipelineState state = run_block("test_blocks.RequiredWithDefault");
  EXPECT_EQ(state.get("num_inference_steps").as_int(), 50);
}

TEST(LeafSemantics, DefaultsAreAppliedAndWrittenBack) {
  PipelineState state = run_block("test_blocks.Defaults");
  EXPECT_EQ(state.get("strength").as_float(), 0.3);
  EXPECT_EQ(state.get("num_inference_steps").as_int(), 50);
  EXPECT_EQ(state.get("output_type").as_string(), "pil");
  EXPECT_TRUE(state.contains("latents"));
  EXPECT_TRUE(state.get("latents").is_none());

  // A passed value beats the default, and a passed None takes it.
  state = run_block("test_blocks.Defaults", {{"strength", 0.75}, {"num_inference_steps", Value()}});
  EXPECT_EQ(state.get("strength").as_float(), 0.75);
  EXPECT_EQ(state.get("num_inference_steps").as_int(), 50);
}

TEST(LeafSemantics, ReboundInputsAreWrittenBackAndOthersKeepTheirIdentity) {
  at::Tensor image = at::ones({2, 2});
  at::Tensor mask = at::zeros({2, 2});
  PipelineState state = run_block("test_blocks.Rebind", {{"image", image}, {"mask", mask}, {"count", 4}});
  EXPECT_TRUE(state.get("image").as_tensor().equal(image * 2));
  EXPECT_NE(state.get("image").tensor_impl(), image.unsafeGetTensorImpl());
  EXPECT_EQ(state.get("count").as_int(), 5);
  EXPECT_EQ(state.get("tag").as_string(), "kept");
  // The caller's tensors were not touched.
  EXPECT_TRUE(image.equal(at::ones({2, 2})));
}

TEST(LeafSemantics, IdentityDecidesWriteBackNotEquality) {
  // The block stores its `tag` input back unchanged: no write-back happens,
  // so a tagged input is not tagged twice.
  PipelineState given;
  given.set("tag", "kept", "fields");
  PipelineState state = run_block("test_blocks.Rebind", {{"image", at::ones({1})}}, &given);
  ASSERT_EQ(state.kwargs_mapping().size(), 1u);
  EXPECT_EQ(state.kwargs_mapping()[0].second, std::vector<std::string>{"tag"});
}

TEST(LeafSemantics, MissingDeclaredOutputIsAnError) {
  BlockError e = brick::test::block_error_of("test_blocks.MissingOutput");
  EXPECT_EQ(e.status(), BRICK_ERR_MISSING_OUTPUT);
  EXPECT_STREQ(e.what(),
               "Error in block 'test_blocks.MissingOutput': Intermediate output 'result' is missing in block state");
}

TEST(LeafSemantics, UndeclaredValuesNeverReachTheState) {
  PipelineState state = run_block("test_blocks.Scratch");
  EXPECT_FALSE(state.contains("scratch"));
  EXPECT_EQ(state.get("y").as_int(), 124);
}

TEST(LeafSemantics, StateHoldsExactlyInputsAndOutputs) {
  PipelineState state = run_block("test_blocks.Add", {{"a", at::ones({2})}, {"b", at::ones({2})}});
  EXPECT_EQ(keys_of(state), (std::vector<std::string>{"a", "b", "alpha", "out"}));
  EXPECT_TRUE(state.get("out").as_tensor().equal(at::full({2}, 2.0)));
}

TEST(LeafSemantics, TaggedOutputsReachANamelessKwargsInput) {
  PipelineState produced = run_block("test_blocks.KwargsProducer");
  EXPECT_EQ(produced.get_by_kwargs("typea").size(), 2u);
  PipelineState consumed = run_block("test_blocks.KwargsConsumer", {}, &produced);
  EXPECT_EQ(consumed.get("seen_keys").repr(), "['a', 'b']");
  EXPECT_EQ(consumed.get("a_attribute").as_int(), 1);  // also delivered one by one
}

TEST(LeafSemantics, AValuePassedByNameIsNotTagged) {
  brick::test::LogCapture log;
  PipelineState state = run_block("test_blocks.KwargsConsumer", {{"a", 1}});
  EXPECT_EQ(state.get("seen_keys").repr(), "[]");
  EXPECT_TRUE(state.get("a_attribute").is_none());
  EXPECT_TRUE(log.contains("Unexpected input 'dict_keys(['a'])' provided. This input will be ignored."));
}

TEST(LeafSemantics, AKwargsDictTagsEachEntry) {
  PipelineState state = run_block("test_blocks.KwargsConsumer", {{"typea", Value::dict({{"a", 1}, {"b", 2}})}});
  EXPECT_EQ(state.get("seen_keys").repr(), "['a', 'b']");
  EXPECT_EQ(state.get("a").as_int(), 1);
  EXPECT_EQ(state.kwargs_mapping()[0].second, (std::vector<std::string>{"a", "b"}));
}

TEST(LeafSemantics, ConstructorArgumentsShapeTheBlock) {
  auto block = brick::test::test_host().create_block("test_blocks.Configured",
                                                     Value::dict({{"input_name", "steps"}, {"factor", 3}}));
  EXPECT_EQ(block->input_names(), std::vector<std::string>{"steps"});
  EXPECT_EQ(block->init_pipeline().output({{"steps", 7}}, "product").as_int(), 21);
  // Its copy (init_pipeline) keeps the configuration.
  EXPECT_EQ(block->init_pipeline().blocks()->input_names(), std::vector<std::string>{"steps"});
  // A block without a constructor taking configuration refuses one.
  EXPECT_THROW(brick::test::test_host().create_block("test_blocks.Add", Value::dict({{"x", 1}})), BlockError);
  EXPECT_THROW(brick::test::test_host().create_block("test_blocks.Configured", Value(3)), brick::host::Error);
}

TEST(LeafSemantics, ConfigsReachBlocksThroughComponents) {
  auto pipe = brick::test::test_host().create_block("test_blocks.ReadConfig")->init_pipeline();
  EXPECT_TRUE(pipe.output({}, "force_zeros").as_bool());
  pipe.components().set_config("force_zeros_for_empty_prompt", false);
  EXPECT_FALSE(pipe.output({}, "force_zeros").as_bool());
  EXPECT_EQ(pipe.output({}, "device_type").as_int(), 1);  // kDLCPU
}

TEST(LeafSemantics, EveryValueKindCrossesBothWays) {
  at::Tensor t = at::arange(6).reshape({2, 3});
  Value nested = Value::dict({{"list", Value::list({1, 2.5, "s", Value(), true})},
                              {"dict", Value::dict({{"k", "v"}})},
                              {"unicode", "caf\xc3\xa9 \xe2\x9c\x93"},
                              {"tensor", t}});
  for (const Value& v : {Value(), Value(true), Value(-7), Value(0.25), Value("text"), Value(t), nested}) {
    PipelineState state = run_block("test_blocks.Values", {{"v", v}});
    EXPECT_TRUE(state.get("same").is(state.get("v"))) << v.repr();  // retained, not copied
    EXPECT_EQ(state.get("copy").repr(), v.repr());
    if (v.is_tensor()) {
      EXPECT_TRUE(state.get("copy").as_tensor().equal(t));
    }
    if (v.kind() == Value::Kind::Dict) {
      EXPECT_TRUE(state.get("copy").find("tensor")->as_tensor().equal(t));
      EXPECT_EQ(*state.get("copy").find("list"), *v.find("list"));
    }
  }
  EXPECT_EQ(run_block("test_blocks.Values", {{"v", Value::list({})}}).get("kind").as_string(), "list");
}

TEST(LeafSemantics, PluginLogsGoThroughTheHost) {
  brick::test::LogCapture log;
  run_block("test_blocks.Logs");
  auto lines = log.lines();
  auto it = std::find_if(lines.begin(), lines.end(), [](const auto& l) { return l.message == "hello from a plugin"; });
  ASSERT_NE(it, lines.end());
  EXPECT_EQ(it->source, "test_blocks");
  EXPECT_EQ(it->level, brick::host::LogLevel::Warning);
}

TEST(LeafSemantics, ReprsSeenFromInsideABlock) {
  PipelineState state = run_block("test_blocks.Reprs", {{"x", 1}, {"items", Value::list({Value(at::zeros({2}))})}});
  EXPECT_EQ(state.get("block_state_repr").as_string(),
            "BlockState(\n"
            "    x: 1\n"
            "    items: list[1] of Tensors with shapes [torch.Size([2])]\n"
            ")");
  EXPECT_EQ(state.get("pipeline_state_repr").as_string(),
            "PipelineState(\n"
            "  values={\n"
            "    x: 1\n"
            "    items: [Tensor(dtype=torch.float32, shape=torch.Size([2])), ...]\n"
            "  },\n"
            "  kwargs_mapping={\n"
            "\n"
            "  }\n"
            ")");
}
