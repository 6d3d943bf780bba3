// pipelines/sd15.json and pipelines/sdxl.json run as a user runs them
// (`brick run PIPELINE --model FOLDER prompt=...`) on tiny folders the test
// lays out: text to image, image to image and inpainting, the PNG written.
#include <ATen/ops/arange.h>
#include <ATen/ops/zeros.h>

#include <cstdlib>

#include "../../cli/run_brick.h"
#include "png_write.h"
#include "sdxl_test_support.h"

namespace sdxl_test {
namespace {

const std::string kSd15 = std::string(BRICK_SOURCE_DIR) + "/pipelines/sd15.json";
const std::string kSdxl = std::string(BRICK_SOURCE_DIR) + "/pipelines/sdxl.json";

std::string environment(const TempDir& dir) { return "BRICK_REGISTRY_CACHE=" + (dir / "cache/").string(); }

bool is_png(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  char signature[8] = {};
  in.read(signature, 8);
  return in && std::string(signature, 8) == std::string("\x89PNG\r\n\x1a\n", 8);
}

// Text to image, then image to image from the PNG it wrote (the workflow
// an `image` input selects), as a user types them.
void text_then_image_to_image(const std::string& pipeline, const fs::path& model, const TempDir& dir) {
  fs::path output = dir / "out.png";
  cli_run::Result r = cli_run::brick("run " + pipeline + " --model " + model.string() +
                                         " prompt=\"a red circle\" num_inference_steps=2 output=" + output.string(),
                                     environment(dir));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, output.string())) << r.output;
  ASSERT_TRUE(is_png(output));

  fs::path second = dir / "img2img.png";
  r = cli_run::brick("run " + pipeline + " --model " + model.string() + " image=" + output.string() +
                         " prompt=\"a blue square\" negative_prompt=\"blurry\" strength=0.5 num_inference_steps=4 "
                         "output=" +
                         second.string() + " --state",
                     environment(dir));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(is_png(second));
  // The image-to-image branch ran: the image was encoded, and half of the
  // four steps were run from it.
  EXPECT_TRUE(cli_run::contains(r.output, "image_latents")) << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, "num_inference_steps: 2")) << r.output;
}

// Inpainting as a user types it: an image and a mask (white: repainted)
// given as PNG files select the `inpainting` workflow's branches.
void inpainting(const std::string& pipeline, const fs::path& model, const TempDir& dir, bool nine_channels = false) {
  const fs::path image = dir / "photo.png";
  const fs::path mask = dir / "mask.png";
  at::Tensor pixels = at::arange(16 * 16 * 3, at::TensorOptions().dtype(at::kInt)).remainder(251).to(at::kByte);
  image::write_png(image.string(), pixels.reshape({16, 16, 3}));
  at::Tensor white = at::zeros({16, 16, 3}, at::TensorOptions().dtype(at::kByte));
  white.slice(0, 4, 12).slice(1, 2, 10).fill_(255);
  image::write_png(mask.string(), white);

  fs::path output = dir / "inpainted.png";
  cli_run::Result r = cli_run::brick(
      "run " + pipeline + " --model " + model.string() + " image=" + image.string() + " mask_image=" + mask.string() +
          " prompt=\"a red circle\" strength=0.75 num_inference_steps=4 output=" + output.string() + " --state",
      environment(dir));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(is_png(output));
  // The inpainting branches ran: the mask and the noise went to the loop,
  // three of the four steps from the noised image.
  EXPECT_TRUE(cli_run::contains(r.output, "mask: Tensor")) << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, "noise: Tensor")) << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, "num_inference_steps: 3")) << r.output;
  // Only a 9-channel UNet takes the masked image latents.
  EXPECT_EQ(cli_run::contains(r.output, "masked_image_latents: Tensor"), nine_channels) << r.output;
}

TEST(StableDiffusion15Pipeline, TextToImageAndImageToImageFromAFolder) {
  TempDir dir;
  write_tiny_sd1(dir / "sd1");
  text_then_image_to_image(kSd15, dir / "sd1", dir);
}

// With the folder's 4-channel UNet (the latents blended with the image by
// the mask), then with a 9-channel inpainting UNet (stable-diffusion-inpainting's
// input: latents, mask and masked image latents).
TEST(StableDiffusion15Pipeline, InpaintingFromAFolder) {
  TempDir dir;
  write_tiny_sd1(dir / "sd1");
  inpainting(kSd15, dir / "sd1", dir);
  fs::remove_all(dir / "sd1" / "unet");
  copy_folder(kFixtures / "inpaint_unet", dir / "sd1" / "unet");
  inpainting(kSd15, dir / "sd1", dir, /*nine_channels=*/true);
}

TEST(StableDiffusionXLPipeline, InpaintingFromAFolder) {
  TempDir dir;
  write_tiny_sdxl(dir / "sdxl");
  inpainting(kSdxl, dir / "sdxl", dir);
}

TEST(StableDiffusionXLPipeline, TextToImageAndImageToImageFromAFolder) {
  TempDir dir;
  write_tiny_sdxl(dir / "sdxl");
  text_then_image_to_image(kSdxl, dir / "sdxl", dir);
}

}  // namespace
}  // namespace sdxl_test

namespace sdxl_test {
namespace {

// pipelines/sd15.json's blocks with every model from one original
// checkpoint file, as a pipeline file's "components" name it (the tokenizer,
// which such files do not hold, from a folder): the fixture's tiny SD1 file
// with its text encoder replaced by one on the real CLIP vocabulary.
TEST(StableDiffusion15Pipeline, TextToImageFromASingleFile) {
  TempDir dir;
  const fs::path file = dir / "tiny-sd1.safetensors";
  Value::Dict tensors =
      brick::host::read_safetensors(kDiffusersFixtures / "models" / "single_file_sd1.safetensors").tensors;
  Value::Dict kept;
  for (auto& [name, t] : tensors) {
    if (name.rfind("cond_stage_model.", 0) != 0) kept.emplace_back(name, t);
  }
  Value clip = call(create("transformers.CLIPTextModel", text_encoder_config("CLIPTextModel", 8)), "state_dict");
  for (const auto& [name, t] : clip.as_dict()) kept.emplace_back("cond_stage_model.transformer." + name, t);
  brick::host::write_safetensors(file, kept);

  const fs::path configs = kDiffusersFixtures / "models" / "single_file_sd1";
  std::string text = read_text(kSd15);
  const std::string repository = R"("pretrained_model_name_or_path": "stable-diffusion-v1-5/stable-diffusion-v1-5",)";
  ASSERT_NE(text.find(repository), std::string::npos);
  text.replace(text.find(repository), repository.size(), "");
  const std::string components = R"("scheduler": {"type_hint": "core.EulerDiscreteScheduler"})";
  ASSERT_NE(text.find(components), std::string::npos);
  auto from_file = [&](const std::string& config) {
    return R"({"pretrained_model_name_or_path": ")" + file.string() + R"(", "config": )" + config +
           R"(, "default_creation_method": "from_pretrained"})";
  };
  text.replace(text.find(components), components.size(),
               std::string(R"("scheduler": {"type_hint": "core.EulerDiscreteScheduler", "config": )") +
                   kSchedulerConfig + "},\n" + R"("unet": )" + from_file(read_text(configs / "unet" / "config.json")) +
                   ",\n" + R"("vae": )" + from_file(read_text(configs / "vae" / "config.json")) + ",\n" +
                   R"("text_encoder": {"pretrained_model_name_or_path": ")" + file.string() + R"("},)" + "\n" +
                   R"("tokenizer": {"pretrained_model_name_or_path": ")" +
                   (kTransformersFixtures / "clip_tokenizer").string() + R"("})");
  write_text(dir / "sd15_single_file.json", text);

  fs::path output = dir / "single.png";
  cli_run::Result r = cli_run::brick("run " + (dir / "sd15_single_file.json").string() +
                                         " prompt=\"a red circle\" num_inference_steps=2 output=" + output.string(),
                                     environment(dir));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(is_png(output)) << r.output;
}

}  // namespace
}  // namespace sdxl_test
