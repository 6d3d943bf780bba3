// The text encoder steps on tiny folders (random CLIP encoders on the real
// CLIP vocabulary), against the encoders called directly as diffusers'
// encode_prompt calls them: SDXL's penultimate hidden states of both
// encoders concatenated and the second's text_embeds pooled, zeros for an
// absent negative prompt (force_zeros_for_empty_prompt), clip_skip; SD 1.x's
// last hidden state, and clip_skip through the final layer norm.
#include <ATen/ops/cat.h>
#include <ATen/ops/layer_norm.h>

#include "brick/host/pipeline/modular_pipeline.h"
#include "brick/host/pipeline/pipeline_file.h"
#include "sdxl_test_support.h"

namespace sdxl_test {
namespace {

using brick::host::Kwargs;
using brick::host::ModularPipeline;
using brick::host::PipelineFile;

ModularPipeline text_encoder_pipeline(const fs::path& model, const std::string& block) {
  const std::string text = R"({"brick_pipeline": 1, "pretrained_model_name_or_path": ")" + model.string() +
                           R"(", "blocks": {"sequential": {"text_encoder": "stable_diffusion_xl.)" + block + R"("}}})";
  ModularPipeline pipe = PipelineFile::parse(text, "text_encoder_test").init_pipeline(host());
  brick::host::LoadReport report = pipe.load_components();
  for (const auto& [name, why] : report.failed) ADD_FAILURE() << name << ": " << why;
  return pipe;
}

// tokenizer + text encoder as encode_prompt calls them.
Value encode(ModularPipeline& pipe, const char* tokenizer, const char* encoder, const std::string& prompt) {
  Value ids = call(pipe.component(tokenizer).as_object(), "__call__",
                   {{"text", Value(prompt)},
                    {"padding", Value("max_length")},
                    {"max_length", Value(int64_t{77})},
                    {"truncation", Value(true)}});
  return call(pipe.component(encoder).as_object(), "forward",
              {{"input_ids", Value(tensor(ids, "input_ids"))}, {"output_hidden_states", Value(true)}});
}

at::Tensor hidden(const Value& out, int64_t from_end) {
  const Value::List& states = out.find("hidden_states")->as_list();
  return states[states.size() - static_cast<size_t>(from_end)].as_tensor();
}

Value::Dict run(ModularPipeline& pipe, Kwargs inputs, const std::vector<std::string>& names) {
  return pipe.outputs(inputs, names);
}

TEST(StableDiffusionXLTextEncoder, BothEncodersPooledAndZeroNegatives) {
  TempDir dir;
  write_tiny_sdxl(dir / "sdxl");
  ModularPipeline pipe = text_encoder_pipeline(dir / "sdxl", "StableDiffusionXLTextEncoderStep");
  const std::string prompt = "a red circle on a blue square";
  Value one = encode(pipe, "tokenizer", "text_encoder", prompt);
  Value two = encode(pipe, "tokenizer_2", "text_encoder_2", prompt);

  Value::Dict out =
      run(pipe, {{"prompt", Value(prompt)}},
          {"prompt_embeds", "pooled_prompt_embeds", "negative_prompt_embeds", "negative_pooled_prompt_embeds"});
  EXPECT_LT(max_difference(out[0].second.as_tensor(), at::cat({hidden(one, 2), hidden(two, 2)}, -1)), 1e-6);
  EXPECT_LT(max_difference(out[1].second.as_tensor(), tensor(two, "text_embeds")), 1e-6);
  EXPECT_EQ(out[2].second.as_tensor().abs().max().item<double>(), 0.0);
  EXPECT_EQ(out[2].second.as_tensor().sizes(), out[0].second.as_tensor().sizes());
  EXPECT_EQ(out[3].second.as_tensor().abs().max().item<double>(), 0.0);

  // A negative prompt is encoded (penultimate states, clip_skip or not).
  Value negative_one = encode(pipe, "tokenizer", "text_encoder", "blurry");
  Value negative_two = encode(pipe, "tokenizer_2", "text_encoder_2", "blurry");
  out = run(pipe, {{"prompt", Value(prompt)}, {"negative_prompt", Value("blurry")}, {"clip_skip", Value(int64_t{1})}},
            {"prompt_embeds", "negative_prompt_embeds", "negative_pooled_prompt_embeds"});
  EXPECT_LT(max_difference(out[0].second.as_tensor(), at::cat({hidden(one, 3), hidden(two, 3)}, -1)), 1e-6);
  EXPECT_LT(max_difference(out[1].second.as_tensor(), at::cat({hidden(negative_one, 2), hidden(negative_two, 2)}, -1)),
            1e-6);
  EXPECT_LT(max_difference(out[2].second.as_tensor(), tensor(negative_two, "text_embeds")), 1e-6);

  // A list of prompts is a batch; a negative list of another length is refused.
  out = run(pipe, {{"prompt", Value::list({Value("a"), Value("b")})}}, {"prompt_embeds"});
  EXPECT_EQ(out[0].second.as_tensor().size(0), 2);
  EXPECT_THROW(
      run(pipe, {{"prompt", Value::list({Value("a"), Value("b")})}, {"negative_prompt", Value::list({Value("c")})}},
          {"prompt_embeds"}),
      std::exception);
}

TEST(StableDiffusionTextEncoder, LastHiddenStateAndClipSkip) {
  TempDir dir;
  write_tiny_sd1(dir / "sd1");
  ModularPipeline pipe = text_encoder_pipeline(dir / "sd1", "StableDiffusionTextEncoderStep");
  const std::string prompt = "a green triangle";
  Value direct = encode(pipe, "tokenizer", "text_encoder", prompt);
  Value empty = encode(pipe, "tokenizer", "text_encoder", "");
  Value::Dict out = run(pipe, {{"prompt", Value(prompt)}}, {"prompt_embeds", "negative_prompt_embeds"});
  EXPECT_LT(max_difference(out[0].second.as_tensor(), tensor(direct, "last_hidden_state")), 1e-6);
  EXPECT_LT(max_difference(out[1].second.as_tensor(), tensor(empty, "last_hidden_state")), 1e-6);

  Value weights = call(pipe.component("text_encoder").as_object(), "state_dict");
  at::Tensor skipped = at::layer_norm(hidden(direct, 2), {8}, tensor(weights, "text_model.final_layer_norm.weight"),
                                      tensor(weights, "text_model.final_layer_norm.bias"), 1e-5);
  out = run(pipe, {{"prompt", Value(prompt)}, {"clip_skip", Value(int64_t{1})}}, {"prompt_embeds"});
  EXPECT_LT(max_difference(out[0].second.as_tensor(), skipped), 1e-6);
}

}  // namespace
}  // namespace sdxl_test
