// The image plugin's blocks through the real loader (image.so), with the
// fake vae and scheduler of the image_test plugin (fake_components.cpp).
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/TensorOperators.h>
#include <ATen/ops/allclose.h>
#include <ATen/ops/cat.h>
#include <ATen/ops/equal.h>
#include <ATen/ops/rand.h>
#include <ATen/ops/randint.h>
#include <ATen/ops/randn.h>
#include <ATen/ops/scalar_tensor.h>
#include <ATen/ops/zeros.h>

#include <unistd.h>
#include <functional>

#include "brick/host/base/error.h"
#include "brick/host/components/component_types.h"
#include "conversions.h"
#include "image_test_support.h"
#include "png_write.h"

using namespace image_test;
using brick::host::Kwargs;
using brick::host::ModularPipeline;
using brick::host::Value;

namespace {

ModularPipeline pipeline(const std::string& block) {
  brick::host::PipelineOptions options;
  options.component_types = host().component_types();
  return ModularPipeline(host().create_block(block), options);
}

// A component of the test plugin, made from a config, put into the pipeline.
void set_component(ModularPipeline& pipe, const std::string& name, const std::string& type, Value config = {}) {
  brick::host::ComponentSpec spec;
  spec.name = name;
  spec.type_hint = type;
  spec.config = std::move(config);
  spec.default_creation_method = brick::host::CreationMethod::FromConfig;
  pipe.update_components({{name, Value(host().component_types()->create(spec))}});
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

at::Tensor random_bytes(std::vector<int64_t> shape, uint64_t seed) {
  return at::randint(0, 256, shape, at::detail::createCPUGenerator(seed), at::kByte);
}

std::vector<std::string> strings(const Value& list) {
  std::vector<std::string> out;
  for (const Value& v : list.as_list()) out.push_back(v.as_string());
  return out;
}

std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// The current directory changed for a scope.
class ChangeDirectory {
 public:
  explicit ChangeDirectory(const fs::path& to) : previous_(fs::current_path()) { fs::current_path(to); }
  ~ChangeDirectory() { fs::current_path(previous_); }

 private:
  fs::path previous_;
};

}  // namespace

TEST(ImageBlocks, ThePluginListsItsBlocks) {
  auto plugin = host().find_plugin("image");
  ASSERT_TRUE(plugin);
  EXPECT_EQ(plugin->version(), "0.1.0");
  for (const char* name :
       {"image.VaeEncoderStep", "image.Img2ImgPrepareLatentsStep", "image.SaveImagesStep", "image.LoadImageStep"}) {
    EXPECT_NO_THROW(host().create_block(name)) << name;
  }
  // The declarations feed `doc`.
  std::string doc = host().create_block("image.VaeEncoderStep")->doc();
  EXPECT_NE(doc.find("image_latents"), std::string::npos) << doc;
  EXPECT_NE(doc.find("a path to a PNG file"), std::string::npos) << doc;
  // The type prints as diffusers prints type_hint.__name__ (the spec says shapes.PixelAutoencoder).
  EXPECT_NE(doc.find("      vae (`PixelAutoencoder`): "), std::string::npos) << doc;
}

TEST(ImageBlocks, SaveThenLoadRoundTrip) {
  TempDir dir;
  at::Tensor images = at::rand({1, 3, 4, 5}, at::detail::createCPUGenerator(1));
  ModularPipeline save = pipeline("image.SaveImagesStep");
  Value paths = save.output({{"images", Value(images)}, {"output", dir / "x.png"}}, "image_paths");
  ASSERT_EQ(strings(paths), std::vector<std::string>{dir / "x.png"});

  ModularPipeline load = pipeline("image.LoadImageStep");
  at::Tensor back = load.output({{"image_path", dir / "x.png"}}, "image").as_tensor();
  EXPECT_EQ(back.sizes(), (std::vector<int64_t>{4, 5, 3}));
  EXPECT_TRUE(at::equal(back, image::float_to_uint8(images)[0]));
}

TEST(ImageBlocks, SaveImagesNamesOneOrSeveralFiles) {
  TempDir dir;
  ModularPipeline save = pipeline("image.SaveImagesStep");
  at::Tensor three = random_bytes({3, 2, 4, 3}, 2);  // uint8 NHWC
  std::string output = dir / "nested/folders/brick.png";
  std::vector<std::string> paths = strings(save.output({{"images", Value(three)}, {"output", output}}, "image_paths"));
  fs::path folder = dir.path() / "nested/folders";
  ASSERT_EQ(paths, (std::vector<std::string>{(folder / "brick-0.png").string(), (folder / "brick-1.png").string(),
                                             (folder / "brick-2.png").string()}));
  EXPECT_EQ(files_in(folder),
            (std::vector<std::string>{"brick-0.png", "brick-1.png", "brick-2.png"}));  // no temp files
  ModularPipeline load = pipeline("image.LoadImageStep");
  for (int64_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(at::equal(load.output({{"image_path", paths[static_cast<size_t>(i)]}}, "image").as_tensor(), three[i]));
  }

  // One image keeps the name as given; a relative name becomes absolute.
  ChangeDirectory cwd(dir.path());
  paths = strings(save.output({{"images", Value(three.narrow(0, 0, 1))}, {"output", "one/single.png"}}, "image_paths"));
  ASSERT_EQ(paths.size(), 1u);
  EXPECT_TRUE(fs::path(paths[0]).is_absolute()) << paths[0];
  EXPECT_TRUE(fs::equivalent(paths[0], dir.path() / "one/single.png"));
  // The default output, brick.png.
  paths = strings(save.output({{"images", Value(three[1])}}, "image_paths"));
  EXPECT_TRUE(fs::equivalent(paths[0], dir.path() / "brick.png"));
}

TEST(ImageBlocks, SaveImagesRefusesWhatIsNotAnImage) {
  ModularPipeline save = pipeline("image.SaveImagesStep");
  std::string error = error_of([&] { save({{"images", Value(at::zeros({2, 2}))}}); });
  EXPECT_NE(error.find("image.SaveImagesStep"), std::string::npos) << error;
  EXPECT_NE(error.find("images: expected"), std::string::npos) << error;
}

TEST(ImageBlocks, LoadImageNamesTheBrokenFile) {
  TempDir dir;
  std::string broken = dir / "broken.png";
  write_bytes(broken, "\x89PNG\r\n\x1a\n but then nothing good");
  ModularPipeline load = pipeline("image.LoadImageStep");
  std::string error = error_of([&] { load({{"image_path", broken}}); });
  EXPECT_NE(error.find("image.LoadImageStep"), std::string::npos) << error;
  EXPECT_NE(error.find(broken), std::string::npos) << error;
  error = error_of([&] { load({{"image_path", dir / "absent.png"}}); });
  EXPECT_NE(error.find(dir / "absent.png"), std::string::npos) << error;
}

TEST(VaeEncoderStep, EncodesAPngFile) {
  TempDir dir;
  at::Tensor pixels = random_bytes({4, 6, 3}, 3);
  image::write_png(dir / "in.png", pixels);
  ModularPipeline pipe = pipeline("image.VaeEncoderStep");
  set_component(pipe, "vae", "image_test.FakeVae");  // encode = x + 0.25, scaling_factor 0.5
  Value::Dict out = pipe.outputs({{"image", dir / "in.png"}}, {"image_latents", "height", "width"});
  at::Tensor latents = out[0].second.as_tensor();
  at::Tensor expected = (image::uint8_to_float(pixels) * 2.0 - 1.0 + 0.25) * 0.5;
  EXPECT_EQ(latents.sizes(), (std::vector<int64_t>{1, 3, 4, 6}));
  EXPECT_TRUE(at::allclose(latents, expected, 0, 1e-6));
  EXPECT_EQ(out[1].second.as_int(), 4);
  EXPECT_EQ(out[2].second.as_int(), 6);
}

TEST(VaeEncoderStep, EncodesTensorsResizedToHeightAndWidth) {
  ModularPipeline pipe = pipeline("image.VaeEncoderStep");
  set_component(pipe, "vae", "image_test.FakeVae", Value::dict({{"scaling_factor", 2.0}}));
  at::Tensor hwc = random_bytes({8, 8, 3}, 4);
  at::Tensor as_float = image::uint8_to_float(hwc);
  at::Tensor expected = (image::resize(as_float, 4, 2) * 2.0 - 1.0 + 0.25) * 2.0;
  for (const at::Tensor& given : {hwc, hwc.unsqueeze(0), as_float}) {
    Value::Dict out =
        pipe.outputs({{"image", Value(given)}, {"height", 4}, {"width", 2}}, {"image_latents", "height", "width"});
    at::Tensor latents = out[0].second.as_tensor();
    EXPECT_EQ(latents.sizes(), (std::vector<int64_t>{1, 3, 4, 2}));
    EXPECT_TRUE(at::allclose(latents, expected, 0, 1e-6)) << given.sizes();
    EXPECT_EQ(out[1].second.as_int(), 4);
    EXPECT_EQ(out[2].second.as_int(), 2);
  }
  // A list of images makes one batch, each resized.
  at::Tensor other = random_bytes({2, 2, 3}, 5);
  at::Tensor batch =
      pipe.output({{"image", Value::list({Value(hwc), Value(other)})}, {"height", 4}, {"width", 2}}, "image_latents")
          .as_tensor();
  EXPECT_EQ(batch.sizes(), (std::vector<int64_t>{2, 3, 4, 2}));
  EXPECT_TRUE(at::allclose(batch[0], expected[0], 0, 1e-6));
}

TEST(VaeEncoderStep, TakesTheMeanShiftedAndScaled) {
  // diffusers: (latents - shift_factor) * scaling_factor, latents the
  // distribution's mean here (retrieve_latents' "argmax").
  ModularPipeline pipe = pipeline("image.VaeEncoderStep");
  set_component(pipe, "vae", "image_test.FakeVae", Value::dict({{"scaling_factor", 2.0}, {"shift_factor", 0.125}}));
  at::Tensor image = at::rand({1, 3, 2, 2}, at::detail::createCPUGenerator(7));
  at::Tensor latents = pipe.output({{"image", Value(image)}}, "image_latents").as_tensor();
  EXPECT_TRUE(at::allclose(latents, (image * 2.0 - 1.0 + 0.25 - 0.125) * 2.0, 0, 1e-6));
}

TEST(VaeEncoderStep, AVaeWithoutConfigHasScalingFactorOne) {
  ModularPipeline pipe = pipeline("image.VaeEncoderStep");
  set_component(pipe, "vae", "image_test.FakeVaeNoConfig");  // encode = identity
  at::Tensor image = at::rand({1, 3, 2, 2}, at::detail::createCPUGenerator(6));
  at::Tensor latents = pipe.output({{"image", Value(image)}}, "image_latents").as_tensor();
  EXPECT_TRUE(at::allclose(latents, image * 2.0 - 1.0, 0, 1e-6));
}

TEST(VaeEncoderStep, ErrorsSayWhatIsWrong) {
  ModularPipeline pipe = pipeline("image.VaeEncoderStep");
  std::string error = error_of([&] { pipe({{"image", Value(at::rand({1, 3, 2, 2}))}}); });
  EXPECT_NE(error.find("no 'vae'"), std::string::npos) << error;
  set_component(pipe, "vae", "image_test.FakeVae");
  error = error_of([&] { pipe({{"image", 3}}); });
  EXPECT_NE(error.find("expected a PNG path (str), an image tensor or a list of those, got int"), std::string::npos)
      << error;
  error = error_of([&] { pipe({{"image", "/nonexistent/brick/in.png"}}); });
  EXPECT_NE(error.find("/nonexistent/brick/in.png"), std::string::npos) << error;
}

namespace {

ModularPipeline img2img() {
  ModularPipeline pipe = pipeline("image.Img2ImgPrepareLatentsStep");
  set_component(pipe, "scheduler", "image_test.FakeScheduler");  // x + noise * t / 1000
  return pipe;
}

}  // namespace

TEST(Img2ImgPrepareLatentsStep, NoisesTheRepeatedImageLatentsWithTheScheduler) {
  ModularPipeline pipe = img2img();
  at::Tensor image_latents = at::rand({1, 3, 4, 4}, at::detail::createCPUGenerator(7)) * 2.0 - 1.0;
  at::Tensor latents = pipe.output({{"image_latents", Value(image_latents)},
                                    {"latent_timestep", 500.0},
                                    {"seed", 11},
                                    {"batch_size", 2},
                                    {"num_images_per_prompt", 2}},
                                   "latents")
                           .as_tensor();
  ASSERT_EQ(latents.sizes(), (std::vector<int64_t>{4, 3, 4, 4}));
  at::Tensor noise = at::randn({4, 3, 4, 4}, at::detail::createCPUGenerator(11));
  at::Tensor expected = at::cat({image_latents, image_latents, image_latents, image_latents}, 0) + noise * 0.5;
  EXPECT_TRUE(at::allclose(latents, expected, 0, 1e-6));
}

TEST(Img2ImgPrepareLatentsStep, SameSeedSameLatents) {
  ModularPipeline pipe = img2img();
  at::Tensor image_latents = at::rand({2, 3, 4, 4}, at::detail::createCPUGenerator(8));
  auto run = [&](int seed) {
    return pipe
        .output(
            {{"image_latents", Value(image_latents)}, {"latent_timestep", 999.0}, {"seed", seed}, {"batch_size", 2}},
            "latents")
        .as_tensor();
  };
  EXPECT_TRUE(at::equal(run(3), run(3)));
  EXPECT_FALSE(at::equal(run(3), run(4)));
  // A batch of images per prompt, repeated as torch.cat([latents] * k): image order kept.
  at::Tensor four =
      pipe.output({{"image_latents", Value(image_latents)}, {"latent_timestep", 0.0}, {"batch_size", 4}}, "latents")
          .as_tensor();
  EXPECT_TRUE(at::equal(four, at::cat({image_latents, image_latents}, 0)));
}

TEST(Img2ImgPrepareLatentsStep, TakesTheTimestepAsATensorToo) {
  ModularPipeline pipe = img2img();
  at::Tensor image_latents = at::zeros({1, 3, 2, 2});
  at::Tensor a =
      pipe.output({{"image_latents", Value(image_latents)}, {"latent_timestep", 250.0}, {"batch_size", 1}}, "latents")
          .as_tensor();
  at::Tensor b = pipe.output({{"image_latents", Value(image_latents)},
                              {"latent_timestep", Value(at::scalar_tensor(250.0).reshape({1}))},
                              {"batch_size", 1}},
                             "latents")
                     .as_tensor();
  EXPECT_TRUE(at::equal(a, b));
}

TEST(Img2ImgPrepareLatentsStep, GivenLatentsAreKept) {
  ModularPipeline pipe = img2img();
  at::Tensor given = at::rand({1, 3, 2, 2});
  at::Tensor out = pipe.output({{"image_latents", Value(at::zeros({1, 3, 2, 2}))},
                                {"latent_timestep", 500.0},
                                {"batch_size", 1},
                                {"latents", Value(given)}},
                               "latents")
                       .as_tensor();
  EXPECT_TRUE(out.is_same(given));
}

TEST(Img2ImgPrepareLatentsStep, RefusesABatchTheImagesDoNotDivide) {
  ModularPipeline pipe = img2img();
  std::string error = error_of([&] {
    pipe({{"image_latents", Value(at::zeros({2, 3, 2, 2}))}, {"latent_timestep", 1.0}, {"batch_size", 3}});
  });
  EXPECT_NE(error.find("Cannot duplicate `image` of batch size 2 to 3 text prompts."), std::string::npos) << error;
  ModularPipeline without = pipeline("image.Img2ImgPrepareLatentsStep");
  error = error_of([&] {
    without({{"image_latents", Value(at::zeros({1, 3, 2, 2}))}, {"latent_timestep", 1.0}, {"batch_size", 1}});
  });
  EXPECT_NE(error.find("no 'scheduler'"), std::string::npos) << error;
}
