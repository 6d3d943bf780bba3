// The closed-form denoiser: forward in every parametrization against a
// float64 computation written out here with loops (small images, a custom
// dataset through load_state_dict), the limits (tiny noise: the nearest
// matching image; pure noise: the mean), conditioning, and sampling loops
// that end on the class asked for.
#include <cmath>
#include <limits>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/TensorOperators.h>
#include <ATen/ops/equal.h>
#include <ATen/ops/full.h>
#include <ATen/ops/rand.h>
#include <ATen/ops/randn.h>
#include <ATen/ops/upsample_bilinear2d.h>
#include <ATen/ops/zeros.h>
#include <ATen/ops/zeros_like.h>

#include "shapes_test_support.h"

using namespace shapes_test;

namespace {

using Row = std::vector<int64_t>;  // the slots a condition sets

// ---- the reference, in float64 -------------------------------------------

struct Level {
  double c;  // signal
  double n;  // noise
};

std::vector<double> alphas_cumprod(const std::vector<double>& betas) {
  std::vector<double> out;
  double product = 1.0;
  for (double beta : betas) out.push_back(product *= 1.0 - beta);
  return out;
}

std::vector<double> sd_betas() {
  std::vector<double> betas;
  for (int i = 0; i < 1000; ++i) {
    double b = std::sqrt(0.00085) + (std::sqrt(0.012) - std::sqrt(0.00085)) * i / 999.0;
    betas.push_back(b * b);
  }
  return betas;
}

// np.interp(t, arange(T), sigmas), then a = 1 / (1 + sigma^2).
Level vp_level(double t, const std::vector<double>& betas = sd_betas()) {
  std::vector<double> a = alphas_cumprod(betas);
  std::vector<double> sigma;
  for (double x : a) sigma.push_back(x > 0 ? std::sqrt((1 - x) / x) : std::numeric_limits<double>::infinity());
  double last = static_cast<double>(a.size() - 1);
  t = std::min(std::max(t, 0.0), last);
  size_t lo = static_cast<size_t>(std::floor(t)), hi = std::min(lo + 1, a.size() - 1);
  double s = t == std::floor(t) ? sigma[lo] : sigma[lo] + (t - std::floor(t)) * (sigma[hi] - sigma[lo]);
  if (std::isinf(s)) return {0.0, 1.0};
  double alpha = 1.0 / (1.0 + s * s);
  return {std::sqrt(alpha), std::sqrt(1.0 - alpha)};
}

Level flow_level(double t, double train_steps = 1000.0) {
  double s = std::min(std::max(t / train_steps, 0.0), 1.0);
  return {1.0 - s, s};
}

// The posterior mean over the matching images and the parametrization, one
// sample at a time. images: [N, 3, h, w] at the sample's size.
at::Tensor reference(const at::Tensor& sample, const at::Tensor& images, const at::Tensor& labels,
                     const std::vector<Row>& rows, Level level, const std::string& type) {
  const int64_t b = sample.size(0), n = images.size(0), p = images[0].numel();
  at::Tensor x = sample.to(at::kDouble).reshape({b, p}).contiguous();
  at::Tensor data = images.to(at::kDouble).reshape({n, p}).contiguous();
  at::Tensor out = at::zeros({b, p}, at::TensorOptions().dtype(at::kDouble));
  auto X = x.accessor<double, 2>();
  auto D = data.accessor<double, 2>();
  auto O = out.accessor<double, 2>();
  for (int64_t i = 0; i < b; ++i) {
    const Row& row = rows.empty() ? Row{} : rows[static_cast<size_t>(rows.size() == 1 ? 0 : i)];
    // Matching: the images satisfying the most of the row's attributes.
    std::vector<int64_t> satisfied(static_cast<size_t>(n), 0);
    for (int64_t j = 0; j < n; ++j) {
      for (int64_t slot : row) {
        bool has = slot < 4 ? labels[j][0].item<int64_t>() == slot : labels[j][1].item<int64_t>() == slot - 4;
        satisfied[static_cast<size_t>(j)] += has;
      }
    }
    int64_t best = *std::max_element(satisfied.begin(), satisfied.end());
    std::vector<double> logit(static_cast<size_t>(n), -std::numeric_limits<double>::infinity());
    for (int64_t j = 0; j < n; ++j) {
      if (satisfied[static_cast<size_t>(j)] != best) continue;
      double d2 = 0;
      for (int64_t k = 0; k < p; ++k) d2 += (X[i][k] - level.c * D[j][k]) * (X[i][k] - level.c * D[j][k]);
      logit[static_cast<size_t>(j)] = level.n > 0 ? -d2 / (2 * level.n * level.n) : -d2 * 1e300;
    }
    double top = *std::max_element(logit.begin(), logit.end());
    double total = 0;
    std::vector<double> w(static_cast<size_t>(n));
    for (int64_t j = 0; j < n; ++j) total += w[static_cast<size_t>(j)] = std::exp(logit[static_cast<size_t>(j)] - top);
    for (int64_t k = 0; k < p; ++k) {
      double x0 = 0;
      for (int64_t j = 0; j < n; ++j) x0 += w[static_cast<size_t>(j)] / total * D[j][k];
      double eps = level.n > 0 ? (X[i][k] - level.c * x0) / level.n : 0.0;
      if (type == "sample") O[i][k] = x0;
      else if (type == "epsilon") O[i][k] = eps;
      else if (type == "v_prediction") O[i][k] = level.c * eps - level.n * x0;
      else O[i][k] = eps - x0;  // flow
    }
  }
  return out.reshape(sample.sizes());
}

// ---- helpers ----------------------------------------------------------------

at::Tensor condition(const std::vector<Row>& rows, int64_t slots = kSlots) {
  at::Tensor c = at::zeros({static_cast<int64_t>(rows.size()), slots});
  for (size_t i = 0; i < rows.size(); ++i) {
    for (int64_t slot : rows[i]) c[static_cast<int64_t>(i)][slot] = 1.0;
  }
  return c;
}

at::Tensor forward(const std::shared_ptr<Object>& unet, const at::Tensor& sample, double t,
                   const std::vector<Row>& rows, const std::string& type) {
  Value::Dict kwargs{{"sample", sample}, {"timestep", t}, {"prediction_type", type}};
  kwargs.emplace_back("encoder_hidden_states", rows.empty() ? Value() : Value(condition(rows)));
  return call(unet, "forward", kwargs).as_tensor();
}

// Six 3 x 4 x 4 images: (red, circle), (red, square), (green, circle),
// (green, triangle), (blue, square), (yellow, triangle).
struct Small {
  at::Tensor images;
  at::Tensor labels;
};
Small small_dataset() {
  at::Generator gen = at::detail::createCPUGenerator(7);
  Small s;
  s.images = at::rand({6, 3, 4, 4}, gen) * 2.0 - 1.0;
  s.labels = at::zeros({6, 2}, at::TensorOptions().dtype(at::kLong));
  int64_t pairs[6][2] = {{0, 0}, {0, 1}, {1, 0}, {1, 2}, {2, 1}, {3, 2}};
  for (int64_t i = 0; i < 6; ++i) {
    s.labels[i][0] = pairs[i][0];
    s.labels[i][1] = pairs[i][1];
  }
  return s;
}

std::shared_ptr<Object> small_unet(const Small& s, Value config = Value::dict({})) {
  auto unet = create("ShapesDenoiser", std::move(config));
  call(unet, "load_state_dict", {{"state_dict", Value::dict({{"images", s.images}, {"labels", s.labels}})}});
  return unet;
}

// Near image j at the noise level: c x_j + n (0.7 noise), so posteriors are
// neither one-hot nor flat.
at::Tensor noisy(const at::Tensor& images, std::vector<int64_t> js, Level level, uint64_t seed) {
  at::Generator gen = at::detail::createCPUGenerator(seed);
  at::Tensor out = at::randn({static_cast<int64_t>(js.size()), 3, images.size(2), images.size(3)}, gen) * level.n;
  for (size_t i = 0; i < js.size(); ++i) out[static_cast<int64_t>(i)] += images[js[i]] * level.c;
  return out;
}

void expect_close(const at::Tensor& got, const at::Tensor& want, double tolerance, const std::string& what) {
  ASSERT_EQ(got.sizes(), want.sizes()) << what;
  at::Tensor error = (got.to(at::kDouble) - want).abs() / (want.abs() + 1.0);
  EXPECT_LT(error.max().item<double>(), tolerance) << what;
}

const char* const kTypes[] = {"epsilon", "v_prediction", "sample", "flow"};

}  // namespace

TEST(ShapesDenoiser, EveryParametrizationMatchesTheFloat64Reference) {
  Small s = small_dataset();
  auto unet = small_unet(s);
  std::vector<std::vector<Row>> conditions = {
      {},                                                          // None: unconditional
      {{}, {}, {}},                                                // all-zero rows: unconditional
      {{kRed, kCircle}, {kRed}, {kTriangle}},                      // one image, two, two
      {{kYellow, kCircle}, {kGreen, kTriangle}, {kBlue, kGreen}},  // no match: falls back
      {{kCircle}},                                                 // one row for the whole batch
  };
  for (const char* type : kTypes) {
    for (double t : {0.0, 1.0, 37.5, 250.0, 500.25, 998.7, 999.0, 1200.0}) {
      Level level = std::string(type) == "flow" ? flow_level(t) : vp_level(t);
      at::Tensor sample = noisy(s.images, {0, 3, 5}, level, 11).to(at::kFloat);
      for (const auto& rows : conditions) {
        std::string what = std::string(type) + " t=" + std::to_string(t) + " rows=" + std::to_string(rows.size());
        at::Tensor want = reference(sample, s.images, s.labels, rows, level, type);
        expect_close(forward(unet, sample, t, rows, type), want, 2e-4, what + " float32");
        at::Tensor got64 = forward(unet, sample.to(at::kDouble), t, rows, type);
        EXPECT_EQ(got64.scalar_type(), at::kDouble);
        expect_close(got64, want, 1e-9, what + " float64");
      }
    }
  }
}

TEST(ShapesDenoiser, TheDatasetIsResizedToTheSample) {
  Small s = small_dataset();
  auto unet = small_unet(s);
  for (auto [h, w] : std::vector<std::pair<int64_t, int64_t>>{{8, 8}, {6, 5}, {2, 2}}) {
    // interpolate(mode="bilinear", align_corners=False, antialias=False)
    at::Tensor resized = at::upsample_bilinear2d(s.images.to(at::kDouble), {h, w}, false);
    Level level = vp_level(300);
    at::Tensor sample = noisy(resized, {1, 4}, level, 3);  // float32
    for (const char* type : {"epsilon", "sample"}) {
      std::string what = std::to_string(h) + "x" + std::to_string(w) + " " + type;
      at::Tensor want = reference(sample, resized, s.labels, {{kSquare}, {}}, level, type);
      expect_close(forward(unet, sample, 300, {{kSquare}, {}}, type), want, 2e-4, what);
      expect_close(forward(unet, sample.to(at::kDouble), 300, {{kSquare}, {}}, type), want, 1e-9, what);
    }
  }
}

TEST(ShapesDenoiser, TheEdgesOfTheSchedule) {
  // a = 1 at t = 0 (no noise: the nearest matching image, eps = 0) and
  // a = 0 at the last step (pure noise: the mean, eps = x); flow at s = 0, 1.
  Small s = small_dataset();
  std::vector<double> betas{0.0, 0.5, 1.0};
  auto unet = small_unet(s, Value::dict({{"trained_betas", Value::list({0.0, 0.5, 1.0})}}));
  at::Tensor sample = noisy(s.images, {2, 4}, {1.0, 0.3}, 5).to(at::kDouble);
  for (const char* type : {"epsilon", "v_prediction", "sample"}) {
    for (double t : {0.0, 0.5, 1.0, 1.5, 2.0, 7.0}) {
      Level level = vp_level(t, betas);
      for (const std::vector<Row>& rows : {std::vector<Row>{}, std::vector<Row>{{kGreen}, {kSquare}}}) {
        at::Tensor got = forward(unet, sample, t, rows, type);
        EXPECT_TRUE(got.isfinite().all().item<bool>()) << type << " t=" << t;
        expect_close(got, reference(sample, s.images, s.labels, rows, level, type), 1e-9,
                     std::string(type) + " t=" + std::to_string(t));
      }
    }
  }
  at::Tensor at_zero = forward(unet, sample, 0.0, {{kGreen}, {kSquare}}, "sample");
  EXPECT_TRUE(at::equal(at_zero[0], s.images[2].to(at::kDouble)));  // the nearest green image
  EXPECT_TRUE(at::equal(forward(unet, sample, 0.0, {}, "epsilon"), at::zeros_like(sample)));
  at::Tensor at_end = forward(unet, sample, 2.0, {}, "epsilon");
  EXPECT_LT((at_end - sample).abs().max().item<double>(), 1e-12);  // eps = x
  EXPECT_EQ(unet->call("config", Value()).find("num_train_timesteps")->as_int(), 3);  // the trained betas' count
  for (double t : {0.0, 1e-9, 1.5, 3.0, 1e6}) {
    at::Tensor flow = forward(unet, sample, t, {}, "flow");
    EXPECT_TRUE(flow.isfinite().all().item<bool>()) << t;
    expect_close(flow, reference(sample, s.images, s.labels, {}, flow_level(t, 3.0), "flow"), 1e-9,
                 std::to_string(t));
  }
}

TEST(ShapesDenoiser, TinyNoiseRecoversTheNearestMatchingImage) {
  auto unet = create("ShapesDenoiser");
  at::Tensor images = unet->call("state_dict", Value()).find("images")->as_tensor();
  const int64_t blue_square_small = (2 * 3 + 1) * 3 + 1;
  Level level = vp_level(0);  // the least noise the schedule has
  at::Tensor sample = noisy(images, {blue_square_small}, level, 9);
  at::Tensor want = images[blue_square_small].unsqueeze(0);
  for (const std::vector<Row>& rows : {std::vector<Row>{}, std::vector<Row>{{kBlue, kSquare}}, std::vector<Row>{{kSquare}}}) {
    at::Tensor x0 = forward(unet, sample, 0, rows, "sample");
    EXPECT_LT((x0 - want).abs().max().item<float>(), 1e-4f);
    // The same through the other parametrizations.
    at::Tensor eps = forward(unet, sample, 0, rows, "epsilon");
    EXPECT_LT(((sample - eps * level.n) / level.c - want).abs().max().item<float>(), 1e-3f);
  }
  // Asked for another class, it gives that class's nearest image instead.
  at::Tensor red = forward(unet, sample, 0, {{kRed}}, "sample");
  Value match = call(unet, "classify", {{"images", (red + 1.0) / 2.0}}).as_list()[0];
  EXPECT_EQ(match.find("color")->as_string(), "red");
  EXPECT_LT(match.find("distance")->as_float(), 1e-4);  // one red image, not a blend
}

TEST(ShapesDenoiser, PureNoiseGivesTheMeanOfTheMatchingImages) {
  at::Generator gen = at::detail::createCPUGenerator(1);
  at::Tensor sample = at::randn({2, 3, 64, 64}, gen);
  // Flow at s = 1: the sample holds no signal at all.
  auto unet = create("ShapesDenoiser");
  at::Tensor images = unet->call("state_dict", Value()).find("images")->as_tensor();
  at::Tensor mean = images.mean(0);
  at::Tensor x0 = sample - forward(unet, sample, 1000, {}, "flow");  // x0 = x - (eps - x0) at s = 1
  EXPECT_LT((x0 - mean).abs().max().item<float>(), 1e-5f);
  // VP with a schedule that ends at a ~ 1e-110: the mean, up to float32.
  auto steep = create("ShapesDenoiser", Value::dict({{"beta_schedule", "linear"}, {"beta_end", 0.5}}));
  at::Tensor vp = forward(steep, sample, 999, {}, "sample");
  EXPECT_LT((vp - mean).abs().max().item<float>(), 1e-5f);
  // Conditioned on red: the mean of the nine red images.
  at::Tensor red = forward(steep, sample, 999, {{kRed}}, "sample");
  EXPECT_LT((red - images.slice(0, 0, 9).mean(0)).abs().max().item<float>(), 1e-5f);
}

TEST(ShapesDenoiser, SamplingEndsOnTheClassAskedFor) {
  // Deterministic DDIM (epsilon) and Euler (flow) loops written here, from
  // seeded noise; the result is (almost exactly) one dataset image of the
  // asked class.
  auto unet = create("ShapesDenoiser");
  std::vector<Row> rows = {{kRed, kCircle}, {kBlue, kSquare}, {kYellow, kTriangle}, {kGreen}, {kRed, kBlue, kCircle}};
  at::Generator gen = at::detail::createCPUGenerator(2024);
  at::Tensor start = at::randn({5, 3, 64, 64}, gen);
  std::vector<double> a = alphas_cumprod(sd_betas());

  at::Tensor ddim = start.clone();
  at::Tensor x0;
  for (int t = 999; t >= 0; t -= 50) {
    at::Tensor eps = forward(unet, ddim, t, rows, "epsilon");
    x0 = (ddim - eps * std::sqrt(1 - a[t])) / std::sqrt(a[t]);
    double next = t - 50 >= 0 ? a[t - 50] : 1.0;
    ddim = x0 * std::sqrt(next) + eps * std::sqrt(1 - next);
  }
  at::Tensor flow = start.clone();
  for (int k = 0; k < 20; ++k) {
    double s = 1.0 - k / 20.0, s_next = 1.0 - (k + 1) / 20.0;
    flow = flow + forward(unet, flow, s * 1000, rows, "flow") * (s_next - s);
  }
  for (const at::Tensor& result : {ddim, flow}) {
    Value matches = call(unet, "classify", {{"images", (result.clamp(-1, 1) + 1.0) / 2.0}});
    const Value::List& list = matches.as_list();
    ASSERT_EQ(list.size(), 5u);
    auto is = [&](size_t i, const char* color, const char* shape) {
      EXPECT_EQ(list[i].find("color")->as_string(), color) << i;
      if (shape) {
        EXPECT_EQ(list[i].find("shape")->as_string(), shape) << i;
      }
      EXPECT_LT(list[i].find("distance")->as_float(), 0.05) << i;
    };
    is(0, "red", "circle");
    is(1, "blue", "square");
    is(2, "yellow", "triangle");
    is(3, "green", nullptr);
    std::string color = list[4].find("color")->as_string();
    EXPECT_TRUE(color == "red" || color == "blue") << color;
    EXPECT_EQ(list[4].find("shape")->as_string(), "circle");
  }
}

TEST(ShapesDenoiser, StateDictRoundTrip) {
  auto a = create("ShapesDenoiser");
  Value state = a->call("state_dict", Value());
  auto b = create("ShapesDenoiser", Value::dict({{"sample_size", 16}}));
  call(b, "load_state_dict", {{"state_dict", state}});
  Value back = b->call("state_dict", Value());
  EXPECT_TRUE(at::equal(back.find("images")->as_tensor(), state.find("images")->as_tensor()));
  EXPECT_TRUE(at::equal(back.find("labels")->as_tensor(), state.find("labels")->as_tensor()));
  EXPECT_EQ(b->call("config", Value()).find("sample_size")->as_int(), 64);  // the loaded images' size
  at::Tensor sample = at::randn({1, 3, 64, 64});
  EXPECT_TRUE(at::equal(forward(a, sample, 500, {{kBlue}}, "epsilon"), forward(b, sample, 500, {{kBlue}}, "epsilon")));

  // The bare form {images, labels} works too; bad state dicts are refused.
  Small s = small_dataset();
  call(b, "load_state_dict", {{"images", s.images}, {"labels", s.labels}});
  EXPECT_EQ(b->call("state_dict", Value()).find("images")->as_tensor().size(0), 6);
  at::Tensor bad_labels = s.labels.clone();
  bad_labels[0][1] = 3;  // only three shapes
  EXPECT_THROW(call(b, "load_state_dict", {{"images", s.images}, {"labels", bad_labels}}), std::exception);
  EXPECT_THROW(call(b, "load_state_dict", {{"images", s.images.slice(0, 0, 2)}, {"labels", s.labels}}), std::exception);
  EXPECT_THROW(call(b, "load_state_dict", {{"images", s.images}}), std::exception);
  EXPECT_EQ(b->call("state_dict", Value()).find("images")->as_tensor().size(0), 6);  // unchanged
}

TEST(ShapesDenoiser, ToMovesAndBadCallsAreRefused) {
  auto unet = create("ShapesDenoiser");
  call(unet, "to", {{"device", "cpu"}});
  at::Tensor sample = at::randn({1, 3, 32, 32});
  EXPECT_EQ(forward(unet, sample, 10, {}, "epsilon").sizes(), sample.sizes());
  auto error = [&](Value::Dict kwargs) {
    try {
      call(unet, "forward", std::move(kwargs));
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error({{"sample", sample}, {"timestep", 1}, {"prediction_type", "x0"}}).find("prediction_type 'x0'"),
            std::string::npos);
  EXPECT_NE(error({{"sample", sample}, {"timestep", 1}, {"encoder_hidden_states", at::zeros({1, 5})}})
                .find("encoder_hidden_states must be [1, 7]"),
            std::string::npos);
  EXPECT_NE(error({{"sample", sample}}).find("timestep"), std::string::npos);
  EXPECT_NE(error({{"timestep", 1}}).find("sample"), std::string::npos);
  EXPECT_NE(error({{"sample", at::randn({1, 4, 8, 8})}, {"timestep", 1}}).find("[B, 3, h, w]"), std::string::npos);
  // A one-element CPU tensor is a timestep too.
  EXPECT_TRUE(at::equal(call(unet, "forward", {{"sample", sample}, {"timestep", at::full({}, 10.0)}}).as_tensor(),
                        forward(unet, sample, 10, {}, "epsilon")));
  EXPECT_NE(error({{"sample", sample}, {"timestep", at::ones({2})}}).find("timestep must be a number"),
            std::string::npos);
}
