#include "shapes_denoiser.h"

#include <cmath>
#include <limits>

#include <ATen/TensorOperators.h>
#include <ATen/ops/softmax.h>
#include <ATen/ops/upsample_bilinear2d.h>
#include <ATen/ops/zeros.h>
#include <ATen/ops/zeros_like.h>

#include "config_values.h"

namespace shapes {

namespace {

// The noise variance below which the posterior is taken as the hard nearest
// image (a -> 1, or s -> 0): it keeps -d^2 / (2 n^2) finite in float32.
constexpr double kMinVariance = 1e-24;

brick::Error invalid(const std::string& message) { return brick::Error(BRICK_ERR_INVALID_ARGUMENT, message); }

std::string shape_text(const at::Tensor& t) {
  std::string text = "[";
  for (int64_t i = 0; i < t.dim(); ++i) {
    if (i) text += ", ";
    text += std::to_string(t.size(i));
  }
  text += "]";
  return text;
}

double timestep_of(brick::ValueRef value) {
  if (value.is_none()) throw invalid("forward needs the keyword argument 'timestep'");
  if (value.is_tensor()) {
    // A 0-d CPU tensor is a number already on the host; a device tensor
    // would need a synchronising read, which the denoise loop must not do.
    at::Tensor t = value.as<at::Tensor>();
    if (!t.device().is_cpu() || t.numel() != 1) {
      throw invalid(concat("timestep must be a number (or a one-element CPU tensor), got a tensor of shape ",
                           shape_text(t), " on ", t.device().str()));
    }
    return t.item<double>();
  }
  return value.as<double>();
}

// The state dict as the host passes it ({state_dict: {...}}) or bare ({images, labels}).
brick::ValueRef state_dict_of(brick::ValueRef args) {
  brick::ValueRef nested = args["state_dict"];
  return nested.kind() == BRICK_VALUE_DICT ? nested : args;
}

}  // namespace

ShapesDenoiser::ShapesDenoiser(brick::ValueRef config)
    : sample_size_(value_or<int64_t>(config, "sample_size", 64)),
      num_train_timesteps_(value_or<int64_t>(config, "num_train_timesteps", 1000)),
      beta_start_(value_or<double>(config, "beta_start", 0.00085)),
      beta_end_(value_or<double>(config, "beta_end", 0.012)),
      beta_schedule_(value_or<std::string>(config, "beta_schedule", "scaled_linear")),
      trained_betas_(value_or<std::optional<std::vector<double>>>(config, "trained_betas", std::nullopt)),
      vocabulary_(Vocabulary::from_config(config)),
      schedule_(num_train_timesteps_, beta_start_, beta_end_, beta_schedule_, trained_betas_.value_or(std::vector<double>{})) {
  if (sample_size_ < 4) throw invalid("sample_size must be at least 4");
  // trained_betas replace the named schedule, and their count is the number
  // of training steps (what flow's s = t / num_train_timesteps divides by).
  num_train_timesteps_ = schedule_.num_train_timesteps();
  for (const char* key : {"in_channels", "out_channels"}) {
    if (value_or<int64_t>(config, key, 3) != 3) {
      std::string message = key;
      message += " must be 3: the dataset is RGB";
      throw invalid(message);
    }
  }
  // The dataset is generated on first use, not here: a component loaded from
  // a folder gets its images through load_state_dict right after creation.
}

brick::Value ShapesDenoiser::config() const {
  brick::Value config = brick::Value::dict();
  config.set("_class_name", "ShapesDenoiser");
  config.set("sample_size", sample_size_);
  config.set("in_channels", int64_t{3});
  config.set("out_channels", int64_t{3});
  config.set("num_train_timesteps", num_train_timesteps_);
  config.set("beta_start", beta_start_);
  config.set("beta_end", beta_end_);
  config.set("beta_schedule", beta_schedule_);
  config.set("trained_betas", trained_betas_);
  config.set("colors", vocabulary_.colors);
  config.set("shapes", vocabulary_.shapes);
  return config;
}

const Dataset& ShapesDenoiser::dataset_locked() {
  if (!dataset_) {
    Dataset generated = generate_dataset(vocabulary_, sample_size_);
    if (!device_.is_cpu()) generated.images = generated.images.to(device_);
    dataset_ = std::move(generated);
  }
  return *dataset_;
}

ShapesDenoiser::Resized ShapesDenoiser::resized(int64_t height, int64_t width, at::Device device,
                                                at::ScalarType dtype) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto key = std::make_tuple(height, width, device.str(), static_cast<int>(dtype));
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;

  const Dataset& data = dataset_locked();
  // Resized in the working dtype, so a float64 caller gets float64 accuracy.
  at::Tensor images = data.images.to(dtype);
  if (images.size(2) != height || images.size(3) != width) {
    // Bilinear, antialias off: torch.nn.functional.interpolate(mode="bilinear",
    // align_corners=False), which is what a Python reference would do.
    images = at::upsample_bilinear2d(images, {height, width}, /*align_corners=*/false);
  }
  const int64_t n = images.size(0);
  const int64_t k = vocabulary_.size();
  // The attribute matrix from the labels: one-hot colour, then one-hot shape.
  const at::Tensor& labels = data.labels;
  at::Tensor attributes = at::zeros({n, k}, at::TensorOptions().dtype(at::kFloat));
  auto l = labels.accessor<int64_t, 2>();
  auto a = attributes.accessor<float, 2>();
  for (int64_t i = 0; i < n; ++i) {
    a[i][l[i][0]] = 1.0f;
    a[i][static_cast<int64_t>(vocabulary_.colors.size()) + l[i][1]] = 1.0f;
  }
  Resized entry{images.reshape({n, -1}).to(device, dtype).contiguous(), attributes.to(device, dtype)};
  cache_.emplace(key, entry);
  return entry;
}

at::Tensor ShapesDenoiser::forward(const at::Tensor& sample, double timestep, const at::Tensor& condition,
                                   const std::string& prediction_type) {
  if (!sample.defined() || sample.dim() != 4 || sample.size(1) != 3) {
    throw invalid(concat("sample must be a [B, 3, h, w] tensor, got ", sample.defined() ? shape_text(sample) : "None"));
  }
  NoiseLevel level;
  if (prediction_type == "epsilon" || prediction_type == "v_prediction" || prediction_type == "sample") {
    level = schedule_.vp(timestep);
  } else if (prediction_type == "flow") {
    level = schedule_.flow(timestep);
  } else {
    throw invalid(concat("prediction_type '", prediction_type, "' is not one of epsilon, v_prediction, sample, flow"));
  }
  const int64_t b = sample.size(0), h = sample.size(2), w = sample.size(3);
  // float64 stays float64 (references); everything else computes in float32.
  at::ScalarType dtype = sample.scalar_type() == at::kDouble ? at::kDouble : at::kFloat;
  Resized data = resized(h, w, sample.device(), dtype);
  at::Tensor x = sample.to(dtype).reshape({b, -1});

  // Squared distances to every scaled image, [B, N]. Computed as a
  // difference, not |x|^2 - 2 x.x_i + |x_i|^2, which cancels catastrophically
  // in float32 exactly where it matters (small noise).
  at::Tensor d2 = (x.unsqueeze(1) - data.images.unsqueeze(0) * level.signal).square().sum(-1);
  double variance = std::max(level.noise * level.noise, kMinVariance);
  at::Tensor logits = d2 * (-0.5 / variance);

  if (condition.defined()) {
    at::Tensor rows = condition.reshape({condition.size(0), -1});
    if (rows.size(1) != vocabulary_.size() || (rows.size(0) != b && rows.size(0) != 1)) {
      throw invalid(concat("encoder_hidden_states must be [", std::to_string(b), ", ", std::to_string(vocabulary_.size()),
                           "] (one multi-hot row per sample over the vocabulary), got ", shape_text(condition)));
    }
    // An image matches a row when it has every attribute the row sets. The
    // count of satisfied attributes per image is a matrix product; images
    // reaching the row's best count are the matches. That one rule covers
    // every case: a full match reaches the number of set attributes, an
    // all-zero row has best 0 (every image), and an impossible row ("red
    // blue circle") falls back to the images matching the most attributes.
    at::Tensor on = (rows.to(sample.device()) > 0.5).to(dtype);
    at::Tensor satisfied = on.matmul(data.attributes.t());  // [rows, N], small integers, exact
    at::Tensor best = satisfied.amax(1, /*keepdim=*/true);
    at::Tensor excluded = satisfied < best - 0.5;
    logits = logits.masked_fill(excluded.expand_as(logits), -std::numeric_limits<double>::infinity());
  }
  // The posterior over the images; softmax subtracts the row maximum (the
  // log-sum-exp form), and every row keeps at least one finite logit.
  at::Tensor weights = at::softmax(logits, 1);
  at::Tensor x0 = weights.matmul(data.images);  // E[x0 | x], [B, P]

  // E[eps | x] = (x - c E[x0 | x]) / n; with no noise at all x says nothing
  // about eps, whose prior mean is 0.
  at::Tensor eps = level.noise > 0.0 ? (x - x0 * level.signal) / level.noise : at::zeros_like(x);
  at::Tensor out;
  if (prediction_type == "epsilon") {
    out = eps;
  } else if (prediction_type == "sample") {
    out = x0;
  } else if (prediction_type == "v_prediction") {
    out = eps * level.signal - x0 * level.noise;
  } else {  // flow: the velocity d x / d s = eps - x0
    out = eps - x0;
  }
  return out.reshape({b, 3, h, w}).to(sample.scalar_type());
}

std::vector<ShapesDenoiser::Match> ShapesDenoiser::classify(const at::Tensor& input) {
  if (!input.defined() || input.dim() < 3 || input.dim() > 4) throw invalid("images must be [B, 3, H, W]");
  at::Tensor images = input.dim() == 3 ? input.unsqueeze(0) : input;
  if (images.scalar_type() == at::kByte) {
    // uint8 as images are saved: NHWC when the last dimension is the channels.
    if (images.size(1) != 3 && images.size(3) == 3) images = images.permute({0, 3, 1, 2});
    images = images.to(at::kFloat) / 255.0;
  }
  if (images.size(1) != 3) throw invalid(concat("images must be [B, 3, H, W], got ", shape_text(input)));
  const int64_t b = images.size(0), h = images.size(2), w = images.size(3);
  Resized data = resized(h, w, images.device(), at::kFloat);
  at::Tensor x = (images.to(at::kFloat) * 2.0 - 1.0).reshape({b, -1});
  at::Tensor msd = (x.unsqueeze(1) - data.images.unsqueeze(0)).square().mean(-1);  // [B, N]
  auto [best, index] = msd.min(1);
  // classify is a query outside the denoise loop: reading back is fine here.
  best = best.to(at::kCPU, at::kDouble);
  index = index.to(at::kCPU);
  at::Tensor labels;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    labels = dataset_locked().labels;
  }
  std::vector<Match> matches;
  for (int64_t i = 0; i < b; ++i) {
    int64_t n = index[i].item<int64_t>();
    matches.push_back({n, labels[n][0].item<int64_t>(), labels[n][1].item<int64_t>(),
                       std::sqrt(best[i].item<double>())});
  }
  return matches;
}

void ShapesDenoiser::load_state_dict(const at::Tensor& images, const at::Tensor& labels) {
  if (!images.defined() || images.dim() != 4 || images.size(1) != 3 || images.size(2) != images.size(3) ||
      images.size(0) < 1 || !at::isFloatingType(images.scalar_type())) {
    throw invalid(concat("state_dict 'images' must be a floating [N, 3, S, S] tensor with N >= 1, got ",
                         images.defined() ? shape_text(images) : "nothing"));
  }
  if (!labels.defined() || labels.dim() != 2 || labels.size(0) != images.size(0) || labels.size(1) != 2 ||
      at::isFloatingType(labels.scalar_type())) {
    throw invalid(concat("state_dict 'labels' must be an integer [", std::to_string(images.size(0)),
                         ", 2] tensor (colour, shape), got ", labels.defined() ? shape_text(labels) : "nothing"));
  }
  at::Tensor cpu_labels = labels.to(at::kCPU, at::kLong).contiguous();
  auto l = cpu_labels.accessor<int64_t, 2>();
  for (int64_t i = 0; i < cpu_labels.size(0); ++i) {
    if (l[i][0] < 0 || l[i][0] >= static_cast<int64_t>(vocabulary_.colors.size()) || l[i][1] < 0 ||
        l[i][1] >= static_cast<int64_t>(vocabulary_.shapes.size())) {
      throw invalid(concat("state_dict 'labels' row ", std::to_string(i), " is (", std::to_string(l[i][0]), ", ",
                           std::to_string(l[i][1]), "), outside the vocabulary's ",
                           std::to_string(vocabulary_.colors.size()), " colours and ",
                           std::to_string(vocabulary_.shapes.size()), " shapes"));
    }
  }
  std::lock_guard<std::mutex> lock(mutex_);
  dataset_ = Dataset{images.to(device_, at::kFloat).contiguous(), cpu_labels};
  sample_size_ = images.size(2);
  cache_.clear();
}

Dataset ShapesDenoiser::state_dict() {
  std::lock_guard<std::mutex> lock(mutex_);
  return dataset_locked();
}

void ShapesDenoiser::to(const at::Device& device) {
  std::lock_guard<std::mutex> lock(mutex_);
  const Dataset& data = dataset_locked();
  dataset_ = Dataset{data.images.to(device), data.labels};
  device_ = device;
  // Resized copies are keyed by device and stay valid, but a move is where
  // memory is expected to be freed.
  cache_.clear();
}

brick::Value ShapesDenoiser::call(const std::string& method, brick::ValueRef args) {
  if (method == "forward") {
    return brick::Value(forward(required<at::Tensor>(args, "sample", "forward"), timestep_of(args["timestep"]),
                                value_or<at::Tensor>(args, "encoder_hidden_states", at::Tensor()),
                                value_or<std::string>(args, "prediction_type", "epsilon")));
  }
  if (method == "classify") {
    brick::Value out = brick::Value::list();
    for (const Match& m : classify(required<at::Tensor>(args, "images", "classify"))) {
      out.append(brick::Value::dict()
                     .set("index", m.index)
                     .set("color", vocabulary_.colors[static_cast<size_t>(m.color)])
                     .set("shape", vocabulary_.shapes[static_cast<size_t>(m.shape)])
                     .set("distance", m.distance));
    }
    return out;
  }
  if (method == "load_state_dict") {
    brick::ValueRef dict = state_dict_of(args);
    load_state_dict(required<at::Tensor>(dict, "images", "load_state_dict"),
                    required<at::Tensor>(dict, "labels", "load_state_dict"));
    return brick::Value();
  }
  if (method == "state_dict") {
    Dataset data = state_dict();
    return brick::Value::dict().set("images", data.images).set("labels", data.labels);
  }
  if (method == "to") {
    to(at::Device(required<std::string>(args, "device", "to")));
    return brick::Value();
  }
  if (method == "config") return config();
  return brick::ComponentType::call(method, args);
}

}  // namespace shapes
