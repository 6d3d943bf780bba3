// The generated dataset, as state_dict returns it: every colour x shape x
// placement, labelled, in [-1, 1], antialiased, and the same on every run.
#include <ATen/TensorOperators.h>
#include <ATen/ops/equal.h>

#include "shapes_test_support.h"

using namespace shapes_test;

namespace {

struct Data {
  at::Tensor images;
  at::Tensor labels;
};

Data dataset_of(const std::shared_ptr<Object>& unet) {
  Value state = unet->call("state_dict", Value());
  return {state.find("images")->as_tensor(), state.find("labels")->as_tensor()};
}

}  // namespace

TEST(ShapesDataset, EveryColourShapeAndPlacementLabelled) {
  Data data = dataset_of(create("ShapesDenoiser"));
  ASSERT_EQ(data.images.sizes(), (std::vector<int64_t>{36, 3, 64, 64}));
  EXPECT_EQ(data.images.scalar_type(), at::kFloat);
  ASSERT_EQ(data.labels.sizes(), (std::vector<int64_t>{36, 2}));
  EXPECT_EQ(data.labels.scalar_type(), at::kLong);
  EXPECT_GE(data.images.min().item<float>(), -1.0f);
  EXPECT_LE(data.images.max().item<float>(), 1.0f);
  // Image (c, s, v) at (c * 3 + s) * 3 + v.
  for (int64_t c = 0; c < 4; ++c) {
    for (int64_t s = 0; s < 3; ++s) {
      for (int64_t v = 0; v < 3; ++v) {
        int64_t i = (c * 3 + s) * 3 + v;
        EXPECT_EQ(data.labels[i][0].item<int64_t>(), c) << i;
        EXPECT_EQ(data.labels[i][1].item<int64_t>(), s) << i;
      }
    }
  }
}

TEST(ShapesDataset, ShapesAreColouredOnAPlainBackground) {
  Data data = dataset_of(create("ShapesDenoiser"));
  at::Tensor corner = data.images.select(3, 0).select(2, 0);  // [N, 3]: every image's top-left pixel
  EXPECT_TRUE(at::equal(corner, corner[0].unsqueeze(0).expand_as(corner)));
  // The centre of placement 0 is inside every shape: the colour dominates.
  auto centre = [&](int64_t c, int64_t s) { return data.images[(c * 3 + s) * 3].select(2, 32).select(1, 32); };
  for (int64_t s = 0; s < 3; ++s) {
    at::Tensor red = centre(0, s), green = centre(1, s), blue = centre(2, s), yellow = centre(3, s);
    EXPECT_GT(red[0].item<float>(), red[1].item<float>() + 1.0f);
    EXPECT_GT(green[1].item<float>(), green[0].item<float>() + 1.0f);
    EXPECT_GT(blue[2].item<float>(), blue[0].item<float>() + 1.0f);
    EXPECT_GT(yellow[1].item<float>(), yellow[2].item<float>() + 1.0f);
    EXPECT_GT(yellow[0].item<float>(), yellow[2].item<float>() + 1.0f);
  }
  // Antialiased edges: red channel values strictly between background and red.
  at::Tensor red_circle = data.images[0][0];
  float background = red_circle[0][0].item<float>(), red = red_circle[32][32].item<float>();
  at::Tensor between = (red_circle > background + 0.05) * (red_circle < red - 0.05);
  EXPECT_GT(between.sum().item<int64_t>(), 20);
}

TEST(ShapesDataset, ImagesAreDistinctAndShapesDiffer) {
  Data data = dataset_of(create("ShapesDenoiser"));
  at::Tensor flat = data.images.reshape({36, -1});
  for (int64_t i = 0; i < 36; ++i) {
    for (int64_t j = i + 1; j < 36; ++j) {
      EXPECT_GT((flat[i] - flat[j]).abs().max().item<float>(), 0.5f) << i << " " << j;
    }
  }
  // Same colour and placement: circle, square and triangle cover different areas.
  auto coverage = [&](int64_t s) { return (data.images[s * 3][0] > 0.0).sum().item<int64_t>(); };
  EXPECT_NE(coverage(0), coverage(1));
  EXPECT_NE(coverage(1), coverage(2));
  EXPECT_GT(coverage(1), coverage(2));  // the square is larger than the triangle
}

TEST(ShapesDataset, DeterministicAcrossInstances) {
  Data a = dataset_of(create("ShapesDenoiser"));
  Data b = dataset_of(create("ShapesDenoiser"));
  EXPECT_TRUE(at::equal(a.images, b.images));
  EXPECT_TRUE(at::equal(a.labels, b.labels));
}

TEST(ShapesDataset, FollowsTheConfig) {
  Data big = dataset_of(create("ShapesDenoiser", Value::dict({{"sample_size", 96}})));
  EXPECT_EQ(big.images.sizes(), (std::vector<int64_t>{36, 3, 96, 96}));
  Data small = dataset_of(create("ShapesDenoiser", Value::dict({{"colors", Value::list({"blue", "orange"})},
                                                                 {"shapes", Value::list({"triangle"})}})));
  EXPECT_EQ(small.images.size(0), 6);
  EXPECT_EQ(small.labels[5][0].item<int64_t>(), 1);  // orange
  EXPECT_EQ(small.labels[5][1].item<int64_t>(), 0);  // triangle
  // A colour the generator cannot draw fails when the dataset is needed.
  auto unknown = create("ShapesDenoiser", Value::dict({{"colors", Value::list({"mauve"})}}));
  try {
    unknown->call("state_dict", Value());
    FAIL();
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("cannot draw the colour 'mauve'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(create("ShapesDenoiser", Value::dict({{"in_channels", 4}})), std::exception);
  EXPECT_THROW(create("ShapesDenoiser", Value::dict({{"colors", Value::list({"red", "red"})}})), std::exception);
  EXPECT_THROW(create("ShapesDenoiser", Value::dict({{"beta_schedule", "exotic"}})), std::exception);
}

TEST(ShapesDataset, ConfigIsWhatTheCorePluginReads) {
  auto unet = create("ShapesDenoiser");
  Value config = unet->call("config", Value());
  EXPECT_EQ(config.find("in_channels")->as_int(), 3);
  EXPECT_EQ(config.find("sample_size")->as_int(), 64);
  EXPECT_EQ(config.find("num_train_timesteps")->as_int(), 1000);
  EXPECT_EQ(config.find("beta_schedule")->as_string(), "scaled_linear");
  EXPECT_EQ(*config.find("colors"), Value::list({"red", "green", "blue", "yellow"}));
  EXPECT_EQ(unet->config(), config);  // what save_pretrained writes
}
