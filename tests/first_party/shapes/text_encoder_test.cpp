// The text encoder (words to multi-hot conditions), the TextEncoderStep
// block that runs it, and the pixel autoencoder.
#include <ATen/TensorOperators.h>
#include <ATen/ops/equal.h>
#include <ATen/ops/rand.h>

#include "brick/host/base/log.h"
#include "brick/host/pipeline/modular_pipeline.h"
#include "shapes_test_support.h"

using namespace shapes_test;

namespace {

at::Tensor encode(const std::shared_ptr<Object>& encoder, Value prompt) {
  return call(encoder, "encode", {{"prompt", std::move(prompt)}}).as_tensor();
}

// The slots set in one row.
std::vector<int64_t> slots(const at::Tensor& row) {
  std::vector<int64_t> set;
  for (int64_t k = 0; k < row.size(0); ++k) {
    if (row[k].item<float>() == 1.0f) {
      set.push_back(k);
    } else {
      EXPECT_EQ(row[k].item<float>(), 0.0f);
    }
  }
  return set;
}

std::vector<int64_t> slots_of(const std::shared_ptr<Object>& encoder, const char* prompt) {
  at::Tensor out = encode(encoder, prompt);
  EXPECT_EQ(out.sizes(), (std::vector<int64_t>{1, kSlots})) << prompt;
  EXPECT_EQ(out.scalar_type(), at::kFloat);
  return slots(out[0]);
}

using Slots = std::vector<int64_t>;

}  // namespace

TEST(ShapesTextEncoder, WordsSetTheirColourAndShape) {
  auto encoder = create("ShapesTextEncoder");
  EXPECT_EQ(slots_of(encoder, "a red circle"), (Slots{kRed, kCircle}));
  EXPECT_EQ(slots_of(encoder, "Two BLUE squares!"), (Slots{kBlue, kSquare}));
  EXPECT_EQ(slots_of(encoder, "triangle,green"), (Slots{kGreen, kTriangle}));
  EXPECT_EQ(slots_of(encoder, "yellow"), (Slots{kYellow}));
  EXPECT_EQ(slots_of(encoder, "circles"), (Slots{kCircle}));
  EXPECT_EQ(slots_of(encoder, "a red and blue circle"), (Slots{kRed, kBlue, kCircle}));
  EXPECT_EQ(slots_of(encoder, "red red red"), (Slots{kRed}));
}

TEST(ShapesTextEncoder, SynonymsAndPlurals) {
  auto encoder = create("ShapesTextEncoder");
  EXPECT_EQ(slots_of(encoder, "a yellow ball"), (Slots{kYellow, kCircle}));
  EXPECT_EQ(slots_of(encoder, "green boxes"), (Slots{kGreen, kSquare}));
  EXPECT_EQ(slots_of(encoder, "a crimson disk"), (Slots{kRed, kCircle}));
  EXPECT_EQ(slots_of(encoder, "navy triangular thing"), (Slots{kBlue, kTriangle}));
}

TEST(ShapesTextEncoder, UnknownWordsAreIgnoredAndEmptyIsUnconditional) {
  auto encoder = create("ShapesTextEncoder");
  EXPECT_EQ(slots_of(encoder, "a purple hexagon in the style of van gogh"), Slots{});
  EXPECT_EQ(slots_of(encoder, ""), Slots{});
  EXPECT_EQ(slots_of(encoder, "a circle, 4k, trending"), (Slots{kCircle}));
  EXPECT_EQ(slots_of(encoder, "redcircle"), Slots{});  // words, not substrings
}

TEST(ShapesTextEncoder, UnknownWordsAreNamedInAWarningWithTheFallback) {
  auto encoder = create("ShapesTextEncoder");
  std::vector<std::string> warnings;
  brick::host::ScopedLogSink sink([&](const brick::host::LogRecord& r) {
    if (r.level == brick::host::LogLevel::Warning) warnings.emplace_back(r.message);
  });
  slots_of(encoder, "a red circle");  // every word known: nothing to say
  slots_of(encoder, "");              // unconditional on purpose
  EXPECT_TRUE(warnings.empty());
  slots_of(encoder, "a red dog");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("does not know 'dog'"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("it draws the colour named and any shape"), std::string::npos) << warnings[0];
  slots_of(encoder, "a cat");
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_NE(warnings[1].find("it draws any colour and any shape"), std::string::npos) << warnings[1];
}

TEST(ShapesTextEncoder, ListsOfPromptsAndDevice) {
  auto encoder = create("ShapesTextEncoder");
  at::Tensor out = encode(encoder, Value::list({"red square", "", "blue"}));
  ASSERT_EQ(out.sizes(), (std::vector<int64_t>{3, kSlots}));
  EXPECT_EQ(slots(out[0]), (Slots{kRed, kSquare}));
  EXPECT_EQ(slots(out[1]), Slots{});
  EXPECT_EQ(slots(out[2]), Slots{kBlue});
  at::Tensor none = call(encoder, "encode", {{"prompt", Value()}}).as_tensor();
  EXPECT_EQ(none.sizes(), (std::vector<int64_t>{1, kSlots}));
  at::Tensor on_cpu = call(encoder, "encode", {{"prompt", "red"}, {"device", "cpu"}}).as_tensor();
  EXPECT_TRUE(on_cpu.device().is_cpu());
  EXPECT_THROW(call(encoder, "encode", {{"prompt", 3}}), std::exception);
}

TEST(ShapesTextEncoder, VocabularyAndSynonymsFromTheConfig) {
  auto encoder = create("ShapesTextEncoder", Value::dict({{"colors", Value::list({"purple", "orange"})},
                                                          {"shapes", Value::list({"square"})},
                                                          {"synonyms", Value::dict({{"Violet", "purple"}})}}));
  at::Tensor out = encode(encoder, "a violet box, an orange square");
  ASSERT_EQ(out.sizes(), (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(slots(out[0]), (Slots{0, 1, 2}));  // box is not a synonym here; square is
  at::Tensor box = encode(encoder, "box");
  EXPECT_EQ(slots(box[0]), Slots{});
  Value config = encoder->call("config", Value());
  EXPECT_EQ(*config.find("colors"), Value::list({"purple", "orange"}));
  EXPECT_EQ(*config.find("synonyms"), Value::dict({{"Violet", "purple"}}));
}

TEST(ShapesTextEncoderStep, EncodesPromptAndNegativePrompt) {
  brick::host::PipelineOptions options;
  options.component_types = host().component_types();
  brick::host::ModularPipeline pipe(host().create_block("shapes.TextEncoderStep"), options);
  pipe.update_components({{"text_encoder", Value(create("ShapesTextEncoder"))}});

  brick::host::PipelineState state = pipe({{"prompt", Value::list({"a red circle", "blue"})}});
  at::Tensor embeds = state.get("prompt_embeds").as_tensor();
  at::Tensor negative = state.get("negative_prompt_embeds").as_tensor();
  ASSERT_EQ(embeds.sizes(), (std::vector<int64_t>{2, kSlots}));
  EXPECT_EQ(slots(embeds[0]), (Slots{kRed, kCircle}));
  EXPECT_EQ(slots(embeds[1]), Slots{kBlue});
  ASSERT_EQ(negative.sizes(), (std::vector<int64_t>{2, kSlots}));  // None -> "" for each prompt
  EXPECT_EQ(negative.sum().item<float>(), 0.0f);

  // Defaults: prompt "" (unconditional); a negative prompt string repeats.
  state = pipe({});
  EXPECT_EQ(state.get("prompt_embeds").as_tensor().sizes(), (std::vector<int64_t>{1, kSlots}));
  state = pipe({{"prompt", Value::list({"red", "green"})}, {"negative_prompt", "square"}});
  negative = state.get("negative_prompt_embeds").as_tensor();
  EXPECT_EQ(slots(negative[0]), Slots{kSquare});
  EXPECT_EQ(slots(negative[1]), Slots{kSquare});
  // A negative list of another length is an error.
  EXPECT_THROW(pipe({{"prompt", Value::list({"red", "green"})}, {"negative_prompt", Value::list({"a", "b", "c"})}}),
               std::exception);
}

TEST(ShapesPixelAutoencoder, IdentityInPixelSpace) {
  auto vae = create("PixelAutoencoder");
  Value config = vae->call("config", Value());
  EXPECT_EQ(config.find("scaling_factor")->as_float(), 1.0);
  EXPECT_EQ(config.find("downsample_factor")->as_int(), 1);
  at::Tensor images = at::rand({2, 3, 16, 16}) * 2.0 - 1.0;
  Value dist = call(vae, "encode", {{"sample", images}});
  at::Tensor latents = dist.find("mean")->as_tensor();
  EXPECT_TRUE(at::equal(latents, images));
  // A deterministic codec's distribution: the lowest log-variance diffusers keeps.
  EXPECT_TRUE(at::equal(dist.find("logvar")->as_tensor(), at::full_like(images, -30.0)));
  EXPECT_NE(latents.data_ptr(), images.data_ptr());  // a new tensor, as an encoder's output is
  EXPECT_TRUE(at::equal(call(vae, "decode", {{"z", latents}}).as_tensor(), images));
  EXPECT_TRUE(at::equal(call(vae, "decode", {{"latents", latents}}).as_tensor(), images));
  EXPECT_THROW(call(vae, "encode", {{"sample", at::rand({3, 16, 16})}}), std::exception);
}

TEST(ShapesPixelAutoencoder, DownsamplingAverages) {
  auto vae = create("PixelAutoencoder", Value::dict({{"downsample_factor", 2}}));
  EXPECT_EQ(*vae->call("config", Value()).find("block_out_channels"), Value::list({3, 3}));  // 2 ** (2 - 1)
  at::Tensor flat = at::rand({1, 3, 1, 1}).expand({1, 3, 8, 8}).contiguous();
  at::Tensor latents = call(vae, "encode", {{"sample", flat}}).find("mean")->as_tensor();
  EXPECT_EQ(latents.sizes(), (std::vector<int64_t>{1, 3, 4, 4}));
  at::Tensor back = call(vae, "decode", {{"latents", latents}}).as_tensor();
  EXPECT_EQ(back.sizes(), (std::vector<int64_t>{1, 3, 8, 8}));
  EXPECT_LT((back - flat).abs().max().item<float>(), 1e-6f);  // a flat image survives the round trip
}
