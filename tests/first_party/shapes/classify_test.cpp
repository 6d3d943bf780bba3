// classify: the nearest dataset image (resized to the input's size), with its
// labels and the root-mean-square distance.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/TensorOperators.h>
#include <ATen/ops/randn.h>
#include <ATen/ops/round.h>
#include <ATen/ops/upsample_bilinear2d.h>

#include "shapes_test_support.h"

using namespace shapes_test;

namespace {

const char* const kColors[] = {"red", "green", "blue", "yellow"};
const char* const kShapes[] = {"circle", "square", "triangle"};

}  // namespace

TEST(ShapesClassify, EveryDatasetImageIsItself) {
  auto unet = create("ShapesDenoiser");
  at::Tensor images = unet->call("state_dict", Value()).find("images")->as_tensor();
  Value matches = call(unet, "classify", {{"images", (images + 1.0) / 2.0}});
  ASSERT_EQ(matches.as_list().size(), 36u);
  for (int64_t i = 0; i < 36; ++i) {
    const Value& m = matches.as_list()[static_cast<size_t>(i)];
    EXPECT_EQ(m.find("index")->as_int(), i);
    EXPECT_EQ(m.find("color")->as_string(), kColors[i / 9]);
    EXPECT_EQ(m.find("shape")->as_string(), kShapes[(i / 3) % 3]);
    EXPECT_LT(m.find("distance")->as_float(), 1e-6);
  }
}

TEST(ShapesClassify, NoisyResizedAndUint8Images) {
  auto unet = create("ShapesDenoiser");
  at::Tensor images = unet->call("state_dict", Value()).find("images")->as_tensor();
  at::Generator gen = at::detail::createCPUGenerator(3);
  // Noise of standard deviation 0.3 in [-1, 1] units: still the same picture.
  at::Tensor noisy = ((images.slice(0, 10, 14) + at::randn({4, 3, 64, 64}, gen) * 0.3) + 1.0) / 2.0;
  Value matches = call(unet, "classify", {{"images", noisy}});
  const Value::List& list = matches.as_list();
  for (int64_t i = 0; i < 4; ++i) {
    EXPECT_EQ(list[static_cast<size_t>(i)].find("index")->as_int(), 10 + i);
    EXPECT_NEAR(list[static_cast<size_t>(i)].find("distance")->as_float(), 0.3, 0.02);
  }
  // At another size, the dataset is resized to it.
  at::Tensor small = at::upsample_bilinear2d(images.slice(0, 20, 21), {32, 32}, false);
  EXPECT_EQ(call(unet, "classify", {{"images", (small + 1.0) / 2.0}}).as_list()[0].find("index")->as_int(), 20);
  // uint8 NHWC, as images are saved; and one image without a batch.
  at::Tensor bytes = at::round((images.slice(0, 30, 31) + 1.0) * 127.5).to(at::kByte).permute({0, 2, 3, 1}).contiguous();
  Value m = call(unet, "classify", {{"images", bytes}}).as_list()[0];
  EXPECT_EQ(m.find("index")->as_int(), 30);
  EXPECT_EQ(m.find("color")->as_string(), "yellow");
  EXPECT_EQ(m.find("shape")->as_string(), "square");
  EXPECT_EQ(call(unet, "classify", {{"images", (images[5] + 1.0) / 2.0}}).as_list()[0].find("index")->as_int(), 5);
}
