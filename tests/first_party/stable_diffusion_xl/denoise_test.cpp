// A short text-to-image run of brick's blocks (three Euler steps under
// classifier-free guidance, then decode) against the same run of diffusers'
// own modular SDXL blocks (../diffusers/make_fixtures.py `denoise`), on the
// diffusers fixtures' tiny SD1 and SDXL UNets and vae: latents and images
// within 1e-4. The generator is a seed on both sides; brick's CPU generator
// draws what torch.Generator().manual_seed(seed) draws, which the run with
// the drawn latents given (and no generator) checks on its own.
#include "brick/host/pipeline/modular_pipeline.h"
#include "brick/host/pipeline/pipeline_file.h"
#include "sdxl_test_support.h"

namespace sdxl_test {
namespace {

using brick::host::Kwargs;
using brick::host::ModularPipeline;
using brick::host::PipelineFile;

Value expected(const std::string& name) {
  return Value::dict(brick::host::read_safetensors(kDiffusersFixtures / "expected" / (name + ".safetensors")).tensors);
}

// make_fixtures.py's EULER, and its guider.
const char* const kComponents = R"(
    "scheduler": {"config": {"num_train_timesteps": 1000, "beta_start": 0.00085, "beta_end": 0.012,
                             "beta_schedule": "scaled_linear", "steps_offset": 1, "timestep_spacing": "leading",
                             "prediction_type": "epsilon"}},
    "guider": {"config": {"guidance_scale": 5.0}},
    "vae": {"pretrained_model_name_or_path": "vae"},)";

ModularPipeline pipeline(bool sdxl) {
  std::string text = std::string(R"({"brick_pipeline": 1, "components": {)") + kComponents +
                     R"( "unet": {"pretrained_model_name_or_path": ")" + (sdxl ? "sdxl_unet" : "sd1_unet") +
                     R"("}}, "blocks": {"sequential": {)";
  if (sdxl) {
    text += R"("input": "stable_diffusion_xl.StableDiffusionXLInputStep",
               "before_denoise": "stable_diffusion_xl.StableDiffusionXLBeforeDenoiseStep",)";
  } else {
    // As pipelines/sd15.json composes them.
    text += R"("input": "core.InputStep",
               "set_timesteps": "stable_diffusion_xl.StableDiffusionXLSetTimestepsStep",
               "prepare_latents": "stable_diffusion_xl.StableDiffusionXLPrepareLatentsStep",)";
  }
  text += R"("denoise": "stable_diffusion_xl.StableDiffusionXLDenoiseStep",
             "decode": "stable_diffusion_xl.StableDiffusionXLDecodeStep"}}})";
  PipelineFile file = PipelineFile::parse(text, "denoise_test", kDiffusersFixtures / "models");
  ModularPipeline pipe = file.init_pipeline(host());
  brick::host::LoadReport report = pipe.load_components();
  for (const auto& [name, why] : report.failed) ADD_FAILURE() << name << ": " << why;
  return pipe;
}

Kwargs inputs(const Value& reference, bool sdxl) {
  Kwargs in = {{"prompt_embeds", Value(tensor(reference, "prompt_embeds"))},
               {"negative_prompt_embeds", Value(tensor(reference, "negative_prompt_embeds"))},
               {"num_inference_steps", Value(int64_t{3})},
               {"num_images_per_prompt", Value(int64_t{2})},
               {"height", Value(int64_t{16})},
               {"width", Value(int64_t{16})},
               {"output_type", Value("pt")}};
  if (sdxl) {
    in.emplace_back("pooled_prompt_embeds", Value(tensor(reference, "pooled_prompt_embeds")));
    in.emplace_back("negative_pooled_prompt_embeds", Value(tensor(reference, "negative_pooled_prompt_embeds")));
  }
  return in;
}

void compare(const Value::Dict& got, const Value& reference) {
  ASSERT_EQ(got.size(), 2u);
  EXPECT_LT(max_difference(got[0].second.as_tensor(), tensor(reference, "latents")), 1e-4);
  EXPECT_LT(max_difference(got[1].second.as_tensor(), tensor(reference, "images")), 1e-4);
}

void run_case(const std::string& name, bool sdxl) {
  Value reference = expected(name);
  ModularPipeline pipe = pipeline(sdxl);
  Kwargs seeded = inputs(reference, sdxl);
  seeded.emplace_back("generator", Value(int64_t{7}));
  compare(pipe.outputs(seeded, {"latents", "images"}), reference);

  // The latents the seed draws, given instead (times init_noise_sigma, as
  // diffusers scales given latents too): the same run.
  Kwargs given = inputs(reference, sdxl);
  given.emplace_back("latents", Value(tensor(reference, "initial_latents")));
  compare(pipe.outputs(given, {"latents", "images"}), reference);
}

TEST(StableDiffusionXLDenoise, Sd1TextToImageMatchesDiffusers) { run_case("sd1_denoise", false); }

TEST(StableDiffusionXLDenoise, SdxlTextToImageMatchesDiffusers) { run_case("sdxl_denoise", true); }

}  // namespace
}  // namespace sdxl_test
