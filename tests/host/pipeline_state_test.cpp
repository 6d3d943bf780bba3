#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "brick/host/state/pipeline_state.h"

using brick::host::PipelineState;
using brick::host::Value;

TEST(PipelineState, SetAndGet) {
  PipelineState state;
  state.set("prompt", "a cat");
  state.set("steps", 25);
  EXPECT_EQ(state.get("prompt").as_string(), "a cat");
  EXPECT_TRUE(state.get("missing").is_none());
  EXPECT_EQ(state.get("missing", 3).as_int(), 3);
  state.set("steps", 30);  // overwrite keeps the key's position
  EXPECT_EQ(state.values()[1].first, "steps");
  EXPECT_EQ(state.get("steps").as_int(), 30);
}

TEST(PipelineState, GetOfAListGivesADict) {
  PipelineState state;
  state.set("a", 1);
  Value::Dict got = state.get(std::vector<std::string>{"a", "b"}, "dflt");
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].second.as_int(), 1);
  EXPECT_EQ(got[1].second.as_string(), "dflt");
}

TEST(PipelineState, KwargsTagsAppendAndCollapseOnRead) {
  PipelineState state;
  state.set("prompt_embeds", 1, "denoiser_input_fields");
  state.set("prompt_embeds", 2, "denoiser_input_fields");
  state.set("negative", 3, "denoiser_input_fields");
  state.set("untagged", 4);
  ASSERT_EQ(state.kwargs_mapping().size(), 1u);
  EXPECT_EQ(state.kwargs_mapping()[0].second, (std::vector<std::string>{"prompt_embeds", "prompt_embeds", "negative"}));
  Value::Dict tagged = state.get_by_kwargs("denoiser_input_fields");
  ASSERT_EQ(tagged.size(), 2u);
  EXPECT_EQ(tagged[0].first, "prompt_embeds");
  EXPECT_EQ(tagged[0].second.as_int(), 2);
  EXPECT_TRUE(state.get_by_kwargs("other").empty());
}

TEST(PipelineState, ReprMatchesDiffusers) {
  PipelineState state;
  state.set("prompt", "a cat");
  state.set("prompt_embeds", at::zeros({1, 77, 768}), "denoiser_input_fields");
  state.set("prompt_embeds", at::zeros({1, 77, 768}), "denoiser_input_fields");
  state.set("imgs", Value::list({Value(at::zeros({2})), Value(at::zeros({3}))}));
  state.set("nothing", Value());
  EXPECT_EQ(state.repr(),
            "PipelineState(\n"
            "  values={\n"
            "    prompt: 'a cat'\n"
            "    prompt_embeds: Tensor(dtype=torch.float32, shape=torch.Size([1, 77, 768]))\n"
            "    imgs: [Tensor(dtype=torch.float32, shape=torch.Size([2])), ...]\n"
            "    nothing: None\n"
            "  },\n"
            "  kwargs_mapping={\n"
            "    denoiser_input_fields: ['prompt_embeds', 'prompt_embeds']\n"
            "  }\n"
            ")");
}

TEST(PipelineState, EmptyReprHasBlankLines) {
  EXPECT_EQ(PipelineState().repr(), "PipelineState(\n  values={\n\n  },\n  kwargs_mapping={\n\n  }\n)");
}

TEST(PipelineState, DeepCopyClonesTensors) {
  PipelineState state;
  at::Tensor t = at::ones({2});
  state.set("t", t, "tag");
  PipelineState copy = state.deep_copy();
  EXPECT_NE(copy.get("t").as_tensor().data_ptr(), t.data_ptr());
  EXPECT_EQ(copy.kwargs_mapping(), state.kwargs_mapping());
  copy.set("t", 5);
  EXPECT_TRUE(state.get("t").is_tensor());
}
