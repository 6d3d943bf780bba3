// The shipped text-to-image pipeline end to end, on the CPU: every block from
// the first-party plugins through the real loader, the components from the
// repository the build made. What an image shows is told by the model's own
// classifier (the nearest image of its set).
#include <ATen/ATen.h>

#include "text2image_support.h"

namespace brick::test {
namespace {

Value run(ModularPipeline& pipe, const Kwargs& overrides, const fs::path& output, const char* name = "images") {
  return pipe.output(inputs(overrides, output), name);
}

// The smallest mean absolute difference, in [0, 1] pixel units, between an
// image and the model's own set (its state_dict "images", in [-1, 1]).
double distance_to_the_set(ModularPipeline& pipe, const at::Tensor& image) {
  Value weights = pipe.component("unet").as_object()->call("state_dict", Value());
  at::Tensor set = (weights.find("images")->as_tensor() + 1) / 2;
  double best = 1e9;
  for (int64_t i = 0; i < set.size(0); ++i) {
    best = std::min(best, at::abs(set[i] - image).mean().item<double>());
  }
  return best;
}

TEST(TextToImage, ThePromptNamesWhatIsDrawn) {
  ModularPipeline pipe = text2image_pipeline();
  TempDir dir;
  for (auto [prompt, color, shape] :
       {std::tuple{"a red circle", "red", "circle"}, std::tuple{"a blue square", "blue", "square"},
        std::tuple{"green triangle", "green", "triangle"}}) {
    Value images = run(pipe, {{"prompt", Value(prompt)}}, dir / "t2i.png");
    Seen seen = classify(pipe, images);
    EXPECT_EQ(seen.color, color) << prompt;
    EXPECT_EQ(seen.shape, shape) << prompt;
    // Not a blur between images: one image of the set, drawn cleanly.
    EXPECT_LT(distance_to_the_set(pipe, images.as_tensor()[0]), 0.02) << prompt;
  }
}

TEST(TextToImage, AnEmptyPromptYieldsSomeImageOfTheSet) {
  ModularPipeline pipe = text2image_pipeline();
  TempDir dir;
  for (int64_t seed : {1, 2, 3}) {
    Value images = run(pipe, {{"prompt", Value("")}, {"seed", Value(seed)}}, dir / "any.png");
    EXPECT_LT(distance_to_the_set(pipe, images.as_tensor()[0]), 0.02) << "seed " << seed;
  }
}

TEST(TextToImage, TheSameSeedGivesTheSameImage) {
  ModularPipeline pipe = text2image_pipeline();
  TempDir dir;
  Kwargs with = {{"prompt", Value("a yellow square")}, {"seed", Value(7)}};
  at::Tensor first = run(pipe, with, dir / "a.png").as_tensor();
  at::Tensor second = run(pipe, with, dir / "b.png").as_tensor();
  EXPECT_TRUE(at::equal(first, second));
  // The seed is what the starting noise depends on.
  Kwargs other = {{"prompt", Value("a yellow square")}, {"seed", Value(8)}};
  ModularPipeline again = text2image_pipeline();
  auto latents_of = [&](const Kwargs& k) {
    Value::Dict out = again.outputs(inputs(k, dir / "c.png"), {"latents"});
    return out.at(0).second.as_tensor();
  };
  EXPECT_TRUE(at::equal(latents_of(with), latents_of(with)));
}

TEST(TextToImage, EverySchedulerDrawsWhatThePromptNames) {
  TempDir dir;
  for (const char* scheduler :
       {"core.EulerDiscreteScheduler", "core.DDIMScheduler", "core.FlowMatchEulerDiscreteScheduler"}) {
    ModularPipeline pipe = text2image_pipeline();
    use_scheduler(pipe, scheduler);
    Value images = run(pipe, {{"prompt", Value("a green square")}}, dir / "s.png");
    Seen seen = classify(pipe, images);
    EXPECT_EQ(seen.color + " " + seen.shape, "green square") << scheduler;
    EXPECT_LT(distance_to_the_set(pipe, images.as_tensor()[0]), 0.02) << scheduler;
  }
}

// DDIM from the repository's scheduler config (Stable Diffusion's:
// clip_sample false, set_alpha_to_one false) lands on an image of the set at
// every usual guidance; with DDIM's own default clip_sample true the
// extrapolated prediction is clipped and a black square appears beside the
// circle.
TEST(TextToImage, DdimFromTheRepositoryConfigStaysOnTheSet) {
  TempDir dir;
  for (double guidance : {3.0, 5.0, 7.5}) {
    ModularPipeline pipe = text2image_pipeline();
    use_scheduler(pipe, "core.DDIMScheduler");
    Value images =
        run(pipe, {{"prompt", Value("a yellow circle")}, {"guidance_scale", Value(guidance)}}, dir / "ddim.png");
    Seen seen = classify(pipe, images);
    EXPECT_EQ(seen.color + " " + seen.shape, "yellow circle") << guidance;
    EXPECT_LT(distance_to_the_set(pipe, images.as_tensor()[0]), 0.02) << "guidance " << guidance;
  }
}

TEST(TextToImage, SeveralImagesPerPromptAreSavedAsNumberedFiles) {
  ModularPipeline pipe = text2image_pipeline();
  TempDir dir;
  Value paths = run(pipe, {{"prompt", Value("a red square")}, {"num_images_per_prompt", Value(2)}}, dir / "pair.png",
                    "image_paths");
  ASSERT_EQ(paths.as_list().size(), 2u);
  EXPECT_EQ(fs::path(paths.as_list()[0].as_string()).filename(), "pair-0.png");
  EXPECT_EQ(fs::path(paths.as_list()[1].as_string()).filename(), "pair-1.png");
  for (const Value& path : paths.as_list()) EXPECT_TRUE(fs::exists(path.as_string()));
}

TEST(ImageToImage, AnImageKeepsItsClassAndAPromptCanChangeIt) {
  ModularPipeline pipe = text2image_pipeline();
  TempDir dir;
  Value saved = run(pipe, {{"prompt", Value("a blue triangle")}}, dir / "source.png", "image_paths");
  std::string source = saved.as_list().at(0).as_string();

  // No prompt: the image decides.
  Value kept = run(pipe, {{"prompt", Value("")}, {"image", Value(source)}, {"strength", Value(0.6)}}, dir / "kept.png");
  Seen seen = classify(pipe, kept);
  EXPECT_EQ(seen.color + " " + seen.shape, "blue triangle");

  // A prompt and a high strength: the prompt decides.
  Value changed = run(pipe, {{"prompt", Value("a red circle")}, {"image", Value(source)}, {"strength", Value(0.95)}},
                      dir / "changed.png");
  seen = classify(pipe, changed);
  EXPECT_EQ(seen.color + " " + seen.shape, "red circle");
}

// set_component_config remakes a component from its changed config; a model
// keeps its weights (the new object loads the old state_dict).
TEST(TextToImage, AModelsConfigChangesAndItsWeightsStay) {
  ModularPipeline pipe = text2image_pipeline();
  Value before = pipe.component("unet").as_object()->call("state_dict", Value());
  ASSERT_EQ(before.kind(), Value::Kind::Dict);
  ASSERT_FALSE(before.as_dict().empty());
  auto old_object = pipe.component("unet").as_object();
  pipe.set_component_config("unet", {{"unused_key", Value(1)}});
  auto new_object = pipe.component("unet").as_object();
  EXPECT_NE(old_object, new_object);
  Value after = new_object->call("state_dict", Value());
  ASSERT_EQ(after.as_dict().size(), before.as_dict().size());
  for (size_t i = 0; i < before.as_dict().size(); ++i) {
    EXPECT_EQ(after.as_dict()[i].first, before.as_dict()[i].first);
    EXPECT_TRUE(at::equal(after.as_dict()[i].second.as_tensor(), before.as_dict()[i].second.as_tensor()));
  }
}

}  // namespace
}  // namespace brick::test
