// Image to image and inpainting runs of brick's blocks against the same runs
// of diffusers' own modular SDXL blocks (make_image_fixtures.py): the vae
// encoder step, the img2img timesteps cut by strength, the img2img or
// inpainting latents (and SDXL's img2img added conditioning), a few Euler
// steps under ClassifierFreeGuidance(5.0), decode; on the diffusers
// fixtures' tiny SD1 and SDXL UNets and vae, and an SD1-like 9-channel
// inpainting UNet. Latents and images within 1e-4 (relative above 1) from
// the same seed: one generator stream through the blocks, as diffusers' one
// torch.Generator.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/ops/equal.h>
#include <ATen/ops/ones.h>
#include <ATen/ops/randn.h>
#include <ATen/ops/tensor.h>
#include <ATen/ops/zeros.h>

#include "brick/host/pipeline/modular_pipeline.h"
#include "brick/host/pipeline/pipeline_file.h"
#include "sdxl_test_support.h"

namespace sdxl_test {
namespace {

using brick::host::Kwargs;
using brick::host::ModularPipeline;
using brick::host::PipelineFile;

Value reference(const std::string& name) {
  return Value::dict(brick::host::read_safetensors(kFixtures / (name + ".safetensors")).tensors);
}

enum class Task { kImageToImage, kInpainting };

// As make_image_fixtures.py composes diffusers' blocks; SD1 as
// pipelines/sd15.json composes them (core.InputStep, no added conditioning).
ModularPipeline pipeline(const std::string& unet, bool sdxl, Task task) {
  const bool inpaint = task == Task::kInpainting;
  std::string text =
      std::string(R"({"brick_pipeline": 1, "components": {
    "scheduler": {"config": {"num_train_timesteps": 1000, "beta_start": 0.00085, "beta_end": 0.012,
                             "beta_schedule": "scaled_linear", "steps_offset": 1, "timestep_spacing": "leading",
                             "prediction_type": "epsilon"}},
    "guider": {"config": {"guidance_scale": 5.0}},
    "vae": {"pretrained_model_name_or_path": "vae"},
    "unet": {"pretrained_model_name_or_path": ")") +
      unet + R"("}}, "blocks": {"sequential": {"vae_encoder": "stable_diffusion_xl.)" +
      (inpaint ? "StableDiffusionXLInpaintVaeEncoderStep" : "StableDiffusionXLVaeEncoderStep") + R"(", "input": )" +
      (sdxl ? R"("stable_diffusion_xl.StableDiffusionXLInputStep")" : R"("core.InputStep")") +
      R"(, "set_timesteps": "stable_diffusion_xl.StableDiffusionXLImg2ImgSetTimestepsStep",
               "prepare_latents": "stable_diffusion_xl.)" +
      (inpaint ? "StableDiffusionXLInpaintPrepareLatentsStep" : "StableDiffusionXLImg2ImgPrepareLatentsStep") + R"(",)";
  if (sdxl) {
    text += R"("prepare_add_cond": "stable_diffusion_xl.StableDiffusionXLImg2ImgPrepareAdditionalConditioningStep",)";
  }
  text += std::string(R"("denoise": "stable_diffusion_xl.)") +
          (inpaint ? "StableDiffusionXLInpaintDenoiseStep" : "StableDiffusionXLDenoiseStep") +
          R"(", "decode": "stable_diffusion_xl.StableDiffusionXLDecodeStep"}}})";
  PipelineFile file = PipelineFile::parse(text, "image_test", kDiffusersFixtures / "models");
  ModularPipeline pipe = file.init_pipeline(host());
  brick::host::LoadReport report = pipe.load_components();
  for (const auto& [name, why] : report.failed) ADD_FAILURE() << name << ": " << why;
  return pipe;
}

Kwargs inputs(const Value& expected, bool sdxl, Task task, double strength) {
  Kwargs in = {{"image", Value(tensor(expected, "image"))},
               {"prompt_embeds", Value(tensor(expected, "prompt_embeds"))},
               {"negative_prompt_embeds", Value(tensor(expected, "negative_prompt_embeds"))},
               {"num_inference_steps", Value(int64_t{5})},
               {"strength", Value(strength)},
               {"num_images_per_prompt", Value(int64_t{2})},
               {"output_type", Value("pt")}};
  if (sdxl) {
    in.emplace_back("pooled_prompt_embeds", Value(tensor(expected, "pooled_prompt_embeds")));
    in.emplace_back("negative_pooled_prompt_embeds", Value(tensor(expected, "negative_pooled_prompt_embeds")));
  }
  if (task == Task::kInpainting) {
    in.emplace_back("mask_image", Value(tensor(expected, "mask_image")));
    in.emplace_back("height", Value(int64_t{16}));
    in.emplace_back("width", Value(int64_t{16}));
  }
  return in;
}

// The state a CPU generator seeded with 7 has after drawing these shapes.
at::Tensor state_after(std::initializer_list<std::vector<int64_t>> draws) {
  at::Generator generator = at::detail::createCPUGenerator(7);
  for (const auto& shape : draws) (void)at::randn(shape, generator);
  return generator.get_state();
}

void run_case(const std::string& name, const std::string& unet, bool sdxl, Task task, double strength,
              std::vector<std::string> intermediates, const at::Tensor& generator_after) {
  Value expected = reference(name);
  ModularPipeline pipe = pipeline(unet, sdxl, task);
  std::vector<std::string> names = {"latents", "images", "generator"};
  names.insert(names.end(), intermediates.begin(), intermediates.end());
  auto compare = [&](const Value::Dict& got) {
    ASSERT_EQ(got.size(), names.size());
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == "generator") continue;
      SCOPED_TRACE(names[i]);
      // 1e-4, relative to the largest value where that is above 1: the
      // tiny random UNets under guidance 5.0 leave latents of 10 to 25 (from
      // pure noise times init_noise_sigma 14.6), where float32 rounding in
      // a different order of the same operations reaches 1.5e-4.
      const at::Tensor reference = tensor(expected, names[i]);
      const double scale = std::max(1.0, reference.abs().max().item<double>());
      EXPECT_LT(max_difference(got[i].second.as_tensor(), reference), 1e-4 * scale);
    }
    // The stream went on through every block that drew: the state written
    // back is the seed's after all of their draws.
    EXPECT_TRUE(at::equal(got[2].second.as_tensor(), generator_after));
  };
  // The seed, as a user types it.
  Kwargs seeded = inputs(expected, sdxl, task, strength);
  seeded.emplace_back("generator", Value(int64_t{7}));
  compare(pipe.outputs(seeded, names));
  // The generator's state, as torch.Generator().manual_seed(7).get_state() gives it.
  Kwargs stated = inputs(expected, sdxl, task, strength);
  stated.emplace_back("generator", Value(at::detail::createCPUGenerator(7).get_state()));
  compare(pipe.outputs(stated, names));
}

// The vae encoder samples (1, 4, 8, 8), then the noise of two images.
TEST(StableDiffusionXLImageToImage, Sd1MatchesDiffusers) {
  run_case("sd1_img2img", "sd1_unet", false, Task::kImageToImage, 0.6, {}, state_after({{1, 4, 8, 8}, {2, 4, 8, 8}}));
}

TEST(StableDiffusionXLImageToImage, SdxlMatchesDiffusers) {
  run_case("sdxl_img2img", "sdxl_unet", true, Task::kImageToImage, 0.6, {}, state_after({{1, 4, 8, 8}, {2, 4, 8, 8}}));
}

// The inpainting vae encoder samples the image's latents and the masked
// image's (1, 4, 8, 8) each, then the noise of two images is drawn.
const std::vector<std::string> kInpaintingIntermediates = {"mask", "image_latents", "noise"};

TEST(StableDiffusionXLInpainting, Sd1MatchesDiffusers) {
  run_case("sd1_inpaint", "sd1_unet", false, Task::kInpainting, 0.8, kInpaintingIntermediates,
           state_after({{1, 4, 8, 8}, {1, 4, 8, 8}, {2, 4, 8, 8}}));
}

TEST(StableDiffusionXLInpainting, SdxlMatchesDiffusers) {
  run_case("sdxl_inpaint", "sdxl_unet", true, Task::kInpainting, 0.8, kInpaintingIntermediates,
           state_after({{1, 4, 8, 8}, {1, 4, 8, 8}, {2, 4, 8, 8}}));
}

// A 9-channel inpainting UNet (latents, mask and masked image latents
// concatenated), from pure noise (strength 1.0).
TEST(StableDiffusionXLInpainting, Sd1NineChannelUNetMatchesDiffusers) {
  std::vector<std::string> intermediates = kInpaintingIntermediates;
  intermediates.push_back("masked_image_latents");
  run_case("sd1_inpaint9", (kFixtures / "inpaint_unet").string(), false, Task::kInpainting, 1.0, intermediates,
           state_after({{1, 4, 8, 8}, {1, 4, 8, 8}, {2, 4, 8, 8}}));
}

// The inpainting vae encoder's mask_processor (its spec's config): an RGB
// image becomes PIL's convert("L") gray, then 0 below 0.5 and 1 from 0.5
// (128 / 255 is above, 127 / 255 below); a float (N, H, W) mask gets its
// channel axis.
TEST(StableDiffusionXLInpainting, TheMaskProcessorMakesABinaryGrayscaleMask) {
  std::shared_ptr<Object> processor =
      create("image.VaeImageProcessor",
             R"({"do_normalize": false, "vae_scale_factor": 2, "do_binarize": true, "do_convert_grayscale": true})");
  // L (PIL): 76, 150, 29, 124 / 128, 127, 2, 222.
  const std::vector<uint8_t> rgb = {255, 0,   0,   0,   255, 0,   0, 0, 255, 10,  200, 30,
                                    128, 128, 128, 127, 127, 127, 1, 2, 3,   250, 251, 3};
  at::Tensor image = at::tensor(rgb, at::TensorOptions().dtype(at::kByte)).reshape({2, 4, 3});
  at::Tensor mask = call(processor, "preprocess", {{"image", Value(image)}}).as_tensor();
  EXPECT_TRUE(at::equal(mask, at::tensor(std::vector<float>{0, 1, 0, 0, 1, 0, 0, 1}).reshape({1, 1, 2, 4}))) << mask;
  at::Tensor soft = at::tensor(std::vector<float>{0.2f, 0.5f, 0.7f, 0.49f}).reshape({1, 2, 2});
  at::Tensor binary = call(processor, "preprocess", {{"image", Value(soft)}}).as_tensor();
  EXPECT_TRUE(at::equal(binary, at::tensor(std::vector<float>{0, 1, 1, 0}).reshape({1, 1, 2, 2}))) << binary;
}

// padding_mask_crop (diffusers crops and pastes PIL images for it) is
// refused by name, and the host keeps running.
TEST(StableDiffusionXLInpainting, PaddingMaskCropIsRefusedByName) {
  PipelineFile file = PipelineFile::parse(
      R"({"brick_pipeline": 1, "components": {"vae": {"pretrained_model_name_or_path": "vae"}},
          "blocks": "stable_diffusion_xl.StableDiffusionXLInpaintVaeEncoderStep"})",
      "padding_mask_crop", kDiffusersFixtures / "models");
  ModularPipeline pipe = file.init_pipeline(host());
  pipe.load_components();
  Kwargs in = {{"image", Value(at::zeros({1, 3, 16, 16}))},
               {"mask_image", Value(at::ones({1, 1, 16, 16}))},
               {"height", Value(int64_t{16})},
               {"width", Value(int64_t{16})},
               {"padding_mask_crop", Value(int64_t{32})}};
  try {
    pipe.outputs(in, {"image_latents"});
    ADD_FAILURE() << "padding_mask_crop was accepted";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("StableDiffusionXLInpaintVaeEncoderStep: padding_mask_crop"),
              std::string::npos)
        << e.what();
  }
  in.pop_back();
  EXPECT_EQ(pipe.outputs(in, {"image_latents"})[0].second.as_tensor().sizes(), at::IntArrayRef({1, 4, 8, 8}));
}

}  // namespace
}  // namespace sdxl_test
