// Layout and range conversions and resizing (conversions.cpp, compiled into
// this test), against values computed by hand.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/TensorOperators.h>
#include <ATen/ops/allclose.h>
#include <ATen/ops/cat.h>
#include <ATen/ops/equal.h>
#include <ATen/ops/full.h>
#include <ATen/ops/rand.h>
#include <ATen/ops/randint.h>
#include <ATen/ops/tensor.h>
#include <ATen/ops/zeros.h>
#include <brick/sdk/error.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>

#include "conversions.h"

namespace {

at::Tensor floats(std::vector<float> values, std::vector<int64_t> shape) {
  return at::tensor(values, at::kFloat).reshape(shape);
}
at::Tensor bytes(std::vector<uint8_t> values, std::vector<int64_t> shape) {
  return at::tensor(values, at::kByte).reshape(shape);
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const brick::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Conversions, Uint8ToFloatIsNchwInZeroOne) {
  // (H=1, W=2, C=3) -> (1, 3, 1, 2)
  at::Tensor hwc = bytes({0, 51, 255, 102, 153, 204}, {1, 2, 3});
  at::Tensor expected = floats({0.f / 255, 102.f / 255, 51.f / 255, 153.f / 255, 1.f, 204.f / 255}, {1, 3, 1, 2});
  at::Tensor out = image::uint8_to_float(hwc);
  EXPECT_EQ(out.scalar_type(), at::kFloat);
  EXPECT_TRUE(out.is_contiguous());
  EXPECT_TRUE(at::allclose(out, expected, 0, 1e-7));
  // NHWC batches keep their order.
  at::Tensor nhwc = at::randint(0, 256, {2, 3, 4, 3}, at::detail::createCPUGenerator(1), at::kByte);
  at::Tensor batch = image::uint8_to_float(nhwc);
  EXPECT_EQ(batch.sizes(), (std::vector<int64_t>{2, 3, 3, 4}));
  EXPECT_TRUE(at::allclose(batch[1], image::uint8_to_float(nhwc[1])[0]));
}

TEST(Conversions, GrayIsReplicatedAndAlphaDropped) {
  at::Tensor gray = bytes({0, 255}, {1, 2, 1});
  EXPECT_TRUE(at::equal(image::uint8_to_float(gray), floats({0, 1, 0, 1, 0, 1}, {1, 3, 1, 2})));
  at::Tensor rgba = bytes({255, 0, 0, 7}, {1, 1, 4});
  EXPECT_TRUE(at::equal(image::uint8_to_float(rgba), floats({1, 0, 0}, {1, 3, 1, 1})));
}

// PIL's convert("L") on RGB and RGBA (values from PIL itself).
TEST(Conversions, GrayscaleIsPilsL) {
  const std::vector<uint8_t> rgb = {255, 0,   0,   0,   255, 0,   0, 0, 255, 10,  200, 30,
                                    128, 128, 128, 255, 255, 255, 1, 2, 3,   250, 251, 3};
  at::Tensor l = image::uint8_to_grayscale(bytes(rgb, {1, 2, 4, 3}));
  EXPECT_TRUE(at::equal(l, bytes({76, 150, 29, 124, 128, 255, 2, 222}, {1, 2, 4, 1}))) << l;
  at::Tensor rgba = at::cat({bytes(rgb, {1, 2, 4, 3}), at::full({1, 2, 4, 1}, 7, at::kByte)}, 3);
  EXPECT_TRUE(at::equal(image::uint8_to_grayscale(rgba), l));
  EXPECT_TRUE(at::equal(image::uint8_to_grayscale(l), l));
  EXPECT_TRUE(at::equal(image::binarize(floats({0.f, 0.49f, 0.5f, 1.f}, {1, 1, 2, 2})),
                        floats({0.f, 0.f, 1.f, 1.f}, {1, 1, 2, 2})));
}

TEST(Conversions, FloatToUint8RoundsHalfToEvenAndClamps) {
  // 0.5 * 255 = 127.5 exactly: half to even gives 128 (128 is even).
  // Find a y whose float product y * 255 is exactly k + 0.5 for an even k:
  // there half to even (k) and half away from zero (k + 1) differ.
  float tie = -1;
  float tie_expected = -1;
  for (int k = 0; k < 254 && tie < 0; k += 2) {
    float y = static_cast<float>((k + 0.5) / 255.0);
    for (int step = 0; step < 8 && tie < 0; ++step) {
      if (y * 255.0f == static_cast<float>(k) + 0.5f) {
        tie = y;
        tie_expected = static_cast<float>(k);
      }
      y = std::nextafter(y, 2.0f);
    }
  }
  ASSERT_GE(tie, 0) << "no float y with y * 255 == even + 0.5";
  float nan = std::numeric_limits<float>::quiet_NaN();
  float inf = std::numeric_limits<float>::infinity();
  at::Tensor images = floats({0.f, 1.f, 0.5f, tie, -0.2f, 1.7f, nan, inf, -inf}, {1, 1, 1, 9});
  at::Tensor out = image::float_to_uint8(images);
  EXPECT_EQ(out.scalar_type(), at::kByte);
  EXPECT_EQ(out.sizes(), (std::vector<int64_t>{1, 1, 9, 1}));
  std::vector<uint8_t> expected = {0, 255, 128, static_cast<uint8_t>(tie_expected), 0, 255, 0, 255, 0};
  EXPECT_TRUE(at::equal(out, bytes(expected, {1, 1, 9, 1}))) << out;
}

TEST(Conversions, FloatToUint8IsChannelsLastAndInvertsUint8ToFloat) {
  at::Tensor original = at::randint(0, 256, {2, 5, 3, 3}, at::detail::createCPUGenerator(3), at::kByte);
  EXPECT_TRUE(at::equal(image::float_to_uint8(image::uint8_to_float(original)), original));
}

TEST(Conversions, NormalizeAndDenormalize) {
  at::Tensor x = floats({0.f, 0.25f, 1.f}, {1, 1, 1, 3});
  EXPECT_TRUE(at::equal(image::normalize(x), floats({-1.f, -0.5f, 1.f}, {1, 1, 1, 3})));
  EXPECT_TRUE(at::equal(image::denormalize(floats({-3.f, -1.f, 0.f, 0.5f, 2.f}, {1, 1, 1, 5})),
                        floats({0.f, 0.f, 0.5f, 0.75f, 1.f}, {1, 1, 1, 5})));
}

TEST(Conversions, ResizeIsBilinear) {
  // Upscaling 1x2 -> 1x4, half-pixel centres: [0, 1] -> [0, 0.25, 0.75, 1].
  at::Tensor out = image::resize(floats({0.f, 1.f}, {1, 1, 1, 2}), 1, 4);
  EXPECT_TRUE(at::allclose(out, floats({0.f, 0.25f, 0.75f, 1.f}, {1, 1, 1, 4}), 0, 1e-6)) << out;
  // A constant image stays constant, both ways.
  at::Tensor constant = at::full({1, 3, 6, 6}, 0.3f);
  EXPECT_TRUE(at::allclose(image::resize(constant, 2, 3), at::full({1, 3, 2, 3}, 0.3f), 0, 1e-6));
  EXPECT_TRUE(at::allclose(image::resize(constant, 13, 7), at::full({1, 3, 13, 7}, 0.3f), 0, 1e-6));
  // Shrinking antialiases (PIL's bilinear filter): a triangle filter
  // stretched by the scale, 2 here, over input centres 0.5, 1.5, 2.5, ...
  // Output pixel 0 (centre 1.0) weighs inputs 0, 1, 2 by 0.75, 0.75, 0.25,
  // pixel 1 (centre 3.0) inputs 1, 2, 3 by 0.25, 0.75, 0.75, normalized:
  // [0, 1, 0, 1] -> [3/7, 4/7]. Plain bilinear would give [0.5, 0.5].
  at::Tensor shrunk = image::resize(floats({0.f, 1.f, 0.f, 1.f}, {1, 1, 1, 4}), 1, 2);
  EXPECT_TRUE(at::allclose(shrunk, floats({3.f / 7, 4.f / 7}, {1, 1, 1, 2}), 0, 1e-6)) << shrunk;
  // The same size is the same tensor.
  EXPECT_TRUE(image::resize(constant, 6, 6).is_same(constant));
  EXPECT_NE(error_of([&] { image::resize(constant, 0, 4); }).find("positive"), std::string::npos);
}

TEST(Conversions, EveryImageFormToFloatNchw) {
  at::Tensor hwc = at::randint(0, 256, {4, 5, 3}, at::detail::createCPUGenerator(5), at::kByte);
  at::Tensor expected = image::uint8_to_float(hwc);
  EXPECT_TRUE(at::equal(image::to_float_nchw(hwc, "image"), expected));
  EXPECT_TRUE(at::equal(image::to_float_nchw(hwc.unsqueeze(0), "image"), expected));
  EXPECT_TRUE(at::equal(image::to_float_nchw(expected, "image"), expected));
  EXPECT_TRUE(at::equal(image::to_float_nchw(expected[0], "image"), expected));  // CHW
  EXPECT_TRUE(at::allclose(image::to_float_nchw(expected.to(at::kDouble), "image"), expected));

  std::string error = error_of([&] { image::to_float_nchw(at::zeros({2, 2}), "image"); });
  EXPECT_NE(error.find("image: expected"), std::string::npos) << error;
  EXPECT_NE(error.find("(2, 2)"), std::string::npos) << error;
  error = error_of([&] { image::to_float_nchw(at::zeros({1, 5, 2, 2}), "image"); });
  EXPECT_NE(error.find("C = 1, 3 or 4"), std::string::npos) << error;
  error = error_of([&] { image::to_float_nchw(at::zeros({2, 2, 3}, at::kInt), "image"); });
  EXPECT_NE(error.find("Int"), std::string::npos) << error;
}

TEST(Conversions, EveryImageFormToUint8Nhwc) {
  at::Tensor nhwc = at::randint(0, 256, {2, 4, 5, 3}, at::detail::createCPUGenerator(6), at::kByte);
  EXPECT_TRUE(at::equal(image::to_uint8_nhwc(nhwc, "images"), nhwc));
  EXPECT_TRUE(at::equal(image::to_uint8_nhwc(nhwc[0], "images"), nhwc.narrow(0, 0, 1)));
  EXPECT_TRUE(at::equal(image::to_uint8_nhwc(image::uint8_to_float(nhwc), "images"), nhwc));
  at::Tensor rgba = at::randint(0, 256, {1, 2, 2, 4}, at::detail::createCPUGenerator(7), at::kByte);
  EXPECT_TRUE(at::equal(image::to_uint8_nhwc(rgba, "images"), rgba.narrow(3, 0, 3)));
}
