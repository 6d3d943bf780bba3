#include "ddim_scheduler.h"

#include <ATen/TensorOperators.h>
#include <ATen/ops/abs.h>
#include <ATen/ops/clamp.h>
#include <ATen/ops/maximum.h>
#include <ATen/ops/minimum.h>
#include <ATen/ops/quantile.h>

#include <cmath>

namespace core {

namespace {
const char* const kName = "DDIMScheduler";
}

DDIMScheduler::DDIMScheduler(brick::ValueRef config_value) : created_from_(copy_dict(config_value)) {
  DictReader c(config_value, std::string(kName) + " config");
  betas_config_ = schedule::BetaSchedule::read(c);
  clip_sample_ = c.get_bool("clip_sample", clip_sample_);
  set_alpha_to_one_ = c.get_bool("set_alpha_to_one", set_alpha_to_one_);
  steps_offset_ = c.get_int("steps_offset", steps_offset_);
  prediction_type_ = c.get_string("prediction_type", prediction_type_);
  thresholding_ = c.get_bool("thresholding", thresholding_);
  dynamic_thresholding_ratio_ = c.get_double("dynamic_thresholding_ratio", dynamic_thresholding_ratio_);
  clip_sample_range_ = c.get_double("clip_sample_range", clip_sample_range_);
  sample_max_value_ = c.get_double("sample_max_value", sample_max_value_);
  timestep_spacing_ = c.get_string("timestep_spacing", timestep_spacing_);
  if (prediction_type_ != "epsilon" && prediction_type_ != "v_prediction" && prediction_type_ != "sample") {
    std::string what = "prediction_type '";
    what += prediction_type_;
    what += "' (epsilon, v_prediction, sample)";
    schedule::unsupported(kName, what);
  }

  alphas_cumprod_ = schedule::alphas_cumprod(betas_config_.betas());
  // The step past the last one: alpha 1 (a clean image) or the first alpha.
  final_alpha_cumprod_ = set_alpha_to_one_ ? 1.0 : alphas_cumprod_.front();
  for (int64_t t = betas_config_.num_train_timesteps - 1; t >= 0; --t) timesteps_.push_back(static_cast<double>(t));
}

void DDIMScheduler::set_timesteps(const DictReader& args) {
  const int64_t n = args.get_int("num_inference_steps", 0);
  if (!args.has("num_inference_steps")) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, c10::str(kName, ".set_timesteps: num_inference_steps is required"));
  }
  if (n > betas_config_.num_train_timesteps) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       c10::str("`num_inference_steps`: ", n, " cannot be larger than `self.config.train_timesteps`: ",
                                betas_config_.num_train_timesteps,
                                " as the unet model trained with this scheduler can only handle maximal ",
                                betas_config_.num_train_timesteps, " timesteps."));
  }
  timesteps_ = schedule::spaced_timesteps(timestep_spacing_, betas_config_.num_train_timesteps, n, steps_offset_,
                                          /*round_linspace=*/true);
  num_inference_steps_ = n;
  begin_index_.reset();
}

int64_t DDIMScheduler::train_index(double timestep, const char* method) const {
  const auto t = static_cast<int64_t>(std::llround(timestep));
  if (t < 0 || t >= betas_config_.num_train_timesteps) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, c10::str(kName, ".", method, ": timestep ", t, " is outside [0, ",
                                                            betas_config_.num_train_timesteps, ")"));
  }
  return t;
}

at::Tensor DDIMScheduler::threshold_sample(const at::Tensor& sample) const {
  at::Tensor flat = sample.to(at::kFloat).reshape({sample.size(0), -1});
  // s: a percentile of |x0| per sample, at least 1 and at most sample_max_value.
  at::Tensor s = at::quantile(at::abs(flat), dynamic_thresholding_ratio_, 1).clamp(1.0, sample_max_value_).unsqueeze(1);
  at::Tensor out = at::minimum(at::maximum(flat, -s), s) / s;
  return out.reshape(sample.sizes()).to(sample.scalar_type());
}

brick::Value DDIMScheduler::step(const DictReader& args) const {
  if (!num_inference_steps_) {
    throw brick::Error(
        BRICK_ERR_INVALID_ARGUMENT,
        "Number of inference steps is 'None', you need to run 'set_timesteps' after creating the scheduler");
  }
  // eta > 0 adds variance noise, which needs a generator: not offered here.
  if (args.get_double("eta", 0.0) > 0.0) schedule::unsupported(kName, "step with eta > 0 (stochastic sampling)");
  at::Tensor model_output = args.tensor("model_output");
  at::Tensor sample = args.tensor("sample");
  const int64_t t = train_index(args.timestep("timestep"), "step");
  const int64_t prev_t = t - betas_config_.num_train_timesteps / *num_inference_steps_;

  const double alpha_prod_t = alphas_cumprod_[static_cast<size_t>(t)];
  const double alpha_prod_t_prev = prev_t >= 0 ? alphas_cumprod_[static_cast<size_t>(prev_t)] : final_alpha_cumprod_;
  const double beta_prod_t = 1.0 - alpha_prod_t;

  at::Tensor pred_original_sample;
  at::Tensor pred_epsilon;
  if (prediction_type_ == "epsilon") {
    pred_original_sample = (sample - model_output * std::sqrt(beta_prod_t)) / std::sqrt(alpha_prod_t);
    pred_epsilon = model_output;
  } else if (prediction_type_ == "sample") {
    pred_original_sample = model_output;
    pred_epsilon = (sample - pred_original_sample * std::sqrt(alpha_prod_t)) / std::sqrt(beta_prod_t);
  } else {
    pred_original_sample = sample * std::sqrt(alpha_prod_t) - model_output * std::sqrt(beta_prod_t);
    pred_epsilon = model_output * std::sqrt(alpha_prod_t) + sample * std::sqrt(beta_prod_t);
  }
  if (thresholding_) {
    pred_original_sample = threshold_sample(pred_original_sample);
  } else if (clip_sample_) {
    pred_original_sample = pred_original_sample.clamp(-clip_sample_range_, clip_sample_range_);
  }
  if (args.get_bool("use_clipped_model_output", false)) {
    pred_epsilon = (sample - pred_original_sample * std::sqrt(alpha_prod_t)) / std::sqrt(beta_prod_t);
  }
  // With eta = 0 the variance term std_dev_t is 0.
  at::Tensor pred_sample_direction = pred_epsilon * std::sqrt(1.0 - alpha_prod_t_prev);
  at::Tensor prev_sample = pred_original_sample * std::sqrt(alpha_prod_t_prev) + pred_sample_direction;
  return brick::Value::dict()
      .set("prev_sample", brick::Value(prev_sample))
      .set("pred_original_sample", brick::Value(pred_original_sample));
}

at::Tensor DDIMScheduler::add_noise(const DictReader& args) const {
  at::Tensor original = args.tensor("original_samples");
  at::Tensor noise = args.tensor("noise");
  const double a = alphas_cumprod_[static_cast<size_t>(train_index(args.timestep("timestep"), "add_noise"))];
  return original * std::sqrt(a) + noise * std::sqrt(1.0 - a);
}

brick::Value DDIMScheduler::call(const std::string& method, brick::ValueRef args) {
  DictReader a = schedule::kwargs(args, kName, method);
  if (method == "set_timesteps") {
    set_timesteps(a);
    return brick::Value();
  }
  if (method == "timesteps") return brick::Value(schedule::cpu_tensor(timesteps_));
  if (method == "init_noise_sigma") return brick::Value(1.0);
  if (method == "order") return brick::Value(int64_t{1});
  if (method == "model_parametrization") return brick::Value(prediction_type_);
  if (method == "set_begin_index") {
    begin_index_ = a.get_int("begin_index", 0);
    return brick::Value();
  }
  if (method == "begin_index") return brick::Value(begin_index_);
  if (method == "num_inference_steps") return brick::Value(num_inference_steps_);
  if (method == "scale_model_input") return brick::Value(a.tensor("sample"));
  if (method == "step") return step(a);
  if (method == "add_noise") return brick::Value(add_noise(a));
  if (method == "config") return config();
  return brick::ComponentType::call(method, args);
}

brick::Value DDIMScheduler::config() const {
  brick::Value c = copy_dict(created_from_.ref());
  c.set("_class_name", brick::Value(kName));
  betas_config_.write(c);
  c.set("clip_sample", brick::Value(clip_sample_));
  c.set("set_alpha_to_one", brick::Value(set_alpha_to_one_));
  c.set("steps_offset", brick::Value(steps_offset_));
  c.set("prediction_type", brick::Value(prediction_type_));
  c.set("thresholding", brick::Value(thresholding_));
  c.set("dynamic_thresholding_ratio", brick::Value(dynamic_thresholding_ratio_));
  c.set("clip_sample_range", brick::Value(clip_sample_range_));
  c.set("sample_max_value", brick::Value(sample_max_value_));
  c.set("timestep_spacing", brick::Value(timestep_spacing_));
  return c;
}

}  // namespace core
