#include "euler_discrete_scheduler.h"

#include <ATen/TensorOperators.h>

#include <algorithm>
#include <cmath>

namespace core {

namespace {
const char* const kName = "EulerDiscreteScheduler";
}

EulerDiscreteScheduler::EulerDiscreteScheduler(brick::ValueRef config_value) : created_from_(copy_dict(config_value)) {
  DictReader c(config_value, std::string(kName) + " config");
  betas_config_ = schedule::BetaSchedule::read(c);
  prediction_type_ = c.get_string("prediction_type", prediction_type_);
  interpolation_type_ = c.get_string("interpolation_type", interpolation_type_);
  use_karras_sigmas_ = c.get_bool("use_karras_sigmas", use_karras_sigmas_);
  use_exponential_sigmas_ = c.get_bool("use_exponential_sigmas", use_exponential_sigmas_);
  use_beta_sigmas_ = c.get_bool("use_beta_sigmas", use_beta_sigmas_);
  sigma_min_ = c.get_optional_double("sigma_min");
  sigma_max_ = c.get_optional_double("sigma_max");
  timestep_spacing_ = c.get_string("timestep_spacing", timestep_spacing_);
  timestep_type_ = c.get_string("timestep_type", timestep_type_);
  steps_offset_ = c.get_int("steps_offset", steps_offset_);
  final_sigmas_type_ = c.get_string("final_sigmas_type", final_sigmas_type_);

  schedule::check_sigma_family(kName, use_karras_sigmas_, use_exponential_sigmas_, use_beta_sigmas_);
  if (prediction_type_ != "epsilon" && prediction_type_ != "v_prediction" && prediction_type_ != "sample" &&
      prediction_type_ != "original_sample") {
    std::string what = "prediction_type '";
    what += prediction_type_;
    what += "' (epsilon, v_prediction, sample)";
    schedule::unsupported(kName, what);
  }
  if (interpolation_type_ != "linear" && interpolation_type_ != "log_linear") {
    std::string what = "interpolation_type '";
    what += interpolation_type_;
    what += "' (linear, log_linear)";
    schedule::unsupported(kName, what);
  }
  if (timestep_type_ != "discrete" && timestep_type_ != "continuous") {
    std::string what = "timestep_type '";
    what += timestep_type_;
    what += "' (discrete, continuous)";
    schedule::unsupported(kName, what);
  }
  if (final_sigmas_type_ != "zero" && final_sigmas_type_ != "sigma_min") {
    throw brick::Error(
        BRICK_ERR_INVALID_ARGUMENT,
        c10::str("`final_sigmas_type` must be one of 'zero', or 'sigma_min', but got ", final_sigmas_type_));
  }

  std::vector<double> betas = betas_config_.betas();
  alphas_cumprod_ = schedule::alphas_cumprod(betas);
  // A zero-SNR schedule ends at alphas_cumprod 0 (infinite sigma); diffusers
  // nudges it to 2**-24 so the first sigma stays finite.
  if (betas_config_.rescale_betas_zero_snr) alphas_cumprod_.back() = std::ldexp(1.0, -24);

  // Before set_timesteps: the full training schedule, as diffusers' __init__.
  std::vector<double> train = training_sigmas();
  sigmas_.assign(train.rbegin(), train.rend());
  for (double& s : sigmas_) s = schedule::to_f32(s);
  sigmas_.push_back(0.0);
  for (int64_t t = betas_config_.num_train_timesteps - 1; t >= 0; --t) timesteps_.push_back(static_cast<double>(t));
}

std::vector<double> EulerDiscreteScheduler::training_sigmas() const {
  std::vector<double> out;
  out.reserve(alphas_cumprod_.size());
  for (double a : alphas_cumprod_) out.push_back(std::sqrt((1.0 - a) / a));
  return out;
}

void EulerDiscreteScheduler::set_timesteps(const DictReader& args) {
  std::optional<std::vector<double>> custom_timesteps = args.get_optional_doubles("timesteps");
  std::optional<std::vector<double>> custom_sigmas = args.get_optional_doubles("sigmas");
  const bool has_steps = args.has("num_inference_steps");
  if (custom_timesteps && custom_sigmas) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, "Only one of `timesteps` or `sigmas` should be set.");
  }
  if (!has_steps && !custom_timesteps && !custom_sigmas) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       "Must pass exactly one of `num_inference_steps` or `timesteps` or `sigmas`.");
  }
  if (has_steps && (custom_timesteps || custom_sigmas)) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       "Can only pass one of `num_inference_steps` or `timesteps` or `sigmas`.");
  }
  if (custom_timesteps && (use_karras_sigmas_ || use_exponential_sigmas_)) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       "Cannot set `timesteps` with `config.use_karras_sigmas` or `config.use_exponential_sigmas`.");
  }
  const bool continuous_v = timestep_type_ == "continuous" && prediction_type_ == "v_prediction";
  if (custom_timesteps && continuous_v) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       "Cannot set `timesteps` with `config.timestep_type = 'continuous'` "
                       "and `config.prediction_type = 'v_prediction'`.");
  }
  int64_t n = 0;
  if (has_steps) {
    n = args.get_int("num_inference_steps", 0);
  } else {
    n = custom_timesteps ? static_cast<int64_t>(custom_timesteps->size())
                         : static_cast<int64_t>(custom_sigmas->size()) - 1;
  }
  if (n < 1) throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, "num_inference_steps must be at least 1");

  const std::vector<double> train = training_sigmas();
  std::vector<double> log_sigmas;
  for (double s : train) log_sigmas.push_back(std::log(s));

  std::vector<double> timesteps;
  std::vector<double> sigmas;
  if (custom_sigmas) {
    // Given sigmas already end with the final one.
    for (double s : *custom_sigmas) sigmas.push_back(schedule::to_f32(s));
    for (size_t i = 0; i + 1 < sigmas.size(); ++i) timesteps.push_back(schedule::sigma_to_t(sigmas[i], log_sigmas));
  } else {
    if (custom_timesteps) {
      for (double t : *custom_timesteps) timesteps.push_back(schedule::to_f32(t));
    } else {
      timesteps = schedule::spaced_timesteps(timestep_spacing_, betas_config_.num_train_timesteps, n, steps_offset_,
                                             /*round_linspace=*/false);
      for (double& t : timesteps) t = schedule::to_f32(t);
    }
    if (interpolation_type_ == "linear") {
      std::vector<double> positions;
      for (size_t i = 0; i < train.size(); ++i) positions.push_back(static_cast<double>(i));
      for (double t : timesteps) sigmas.push_back(schedule::interp(t, positions, train));
    } else {
      // log_linear: n + 1 log-uniform sigmas over the whole training range, as diffusers does.
      for (double l : schedule::linspace(std::log(train.back()), std::log(train.front()), n + 1)) {
        sigmas.push_back(std::exp(l));
      }
    }
    if (use_karras_sigmas_ || use_exponential_sigmas_) {
      const double lo = sigma_min_ ? *sigma_min_ : sigmas.back();
      const double hi = sigma_max_ ? *sigma_max_ : sigmas.front();
      sigmas = use_karras_sigmas_ ? schedule::karras_sigmas(lo, hi, n) : schedule::exponential_sigmas(lo, hi, n);
      timesteps.clear();
      for (double s : sigmas) timesteps.push_back(schedule::sigma_to_t(s, log_sigmas));
    }
    sigmas.push_back(final_sigmas_type_ == "sigma_min" ? train.front() : 0.0);
    for (double& s : sigmas) s = schedule::to_f32(s);
  }
  if (continuous_v) {
    timesteps.clear();
    for (size_t i = 0; i + 1 < sigmas.size(); ++i) timesteps.push_back(0.25 * std::log(sigmas[i]));
  }
  for (double& t : timesteps) t = schedule::to_f32(t);

  num_inference_steps_ = n;
  timesteps_ = std::move(timesteps);
  sigmas_ = std::move(sigmas);
  index_.reset();
}

double EulerDiscreteScheduler::init_noise_sigma() const {
  const double max_sigma = *std::max_element(sigmas_.begin(), sigmas_.end());
  if (timestep_spacing_ == "linspace" || timestep_spacing_ == "trailing") return max_sigma;
  return std::sqrt(max_sigma * max_sigma + 1.0);
}

brick::Value EulerDiscreteScheduler::step(const DictReader& args) {
  at::Tensor model_output = args.tensor("model_output");
  const double timestep = args.timestep("timestep");
  at::Tensor sample = args.tensor("sample").to(at::kFloat);
  const double s_churn = args.get_double("s_churn", 0.0);
  const double s_tmin = args.get_double("s_tmin", 0.0);
  const double s_tmax = args.get_double("s_tmax", INFINITY);

  // Checked before the index is recorded, so a refused step changes nothing.
  const int64_t i = index_.peek(timesteps_, timestep);
  if (i + 1 >= static_cast<int64_t>(sigmas_.size())) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, std::string(kName) + ".step: the schedule is already finished");
  }
  const double sigma = sigmas_[static_cast<size_t>(i)];
  const double gamma = (s_tmin <= sigma && sigma <= s_tmax)
                           ? std::min(s_churn / static_cast<double>(sigmas_.size() - 1), std::sqrt(2.0) - 1.0)
                           : 0.0;
  // Churn adds fresh noise, which needs a generator: not offered here.
  if (gamma > 0) schedule::unsupported(kName, "step with s_churn > 0 (stochastic sampling)");
  const double sigma_hat = sigma * (gamma + 1.0);
  index_.current(timesteps_, timestep);

  at::Tensor pred_original_sample;
  if (prediction_type_ == "sample" || prediction_type_ == "original_sample") {
    pred_original_sample = model_output;
  } else if (prediction_type_ == "epsilon") {
    pred_original_sample = sample - model_output * sigma_hat;
  } else {
    // v_prediction: denoised = model_output * c_out + sample * c_skip.
    pred_original_sample = model_output * (-sigma / std::sqrt(sigma * sigma + 1.0)) + sample / (sigma * sigma + 1.0);
  }
  at::Tensor derivative = (sample - pred_original_sample) / sigma_hat;
  const double dt = sigmas_[static_cast<size_t>(i + 1)] - sigma_hat;
  at::Tensor prev_sample = (sample + derivative * dt).to(model_output.scalar_type());
  index_.advance();
  return brick::Value::dict()
      .set("prev_sample", brick::Value(prev_sample))
      .set("pred_original_sample", brick::Value(pred_original_sample));
}

at::Tensor EulerDiscreteScheduler::add_noise(const DictReader& args) const {
  at::Tensor original = args.tensor("original_samples");
  at::Tensor noise = args.tensor("noise");
  const double timestep = args.timestep("timestep");
  const double sigma = sigmas_[static_cast<size_t>(index_.for_noise(timesteps_, timestep))];
  return original + noise * sigma;
}

brick::Value EulerDiscreteScheduler::call(const std::string& method, brick::ValueRef args) {
  DictReader a = schedule::kwargs(args, kName, method);
  if (method == "set_timesteps") {
    set_timesteps(a);
    return brick::Value();
  }
  if (method == "timesteps") return brick::Value(schedule::cpu_tensor(timesteps_));
  if (method == "sigmas") return brick::Value(schedule::cpu_tensor(sigmas_));
  if (method == "init_noise_sigma") return brick::Value(init_noise_sigma());
  if (method == "order") return brick::Value(int64_t{1});
  if (method == "model_parametrization") {
    return brick::Value(prediction_type_ == "original_sample" ? std::string("sample") : prediction_type_);
  }
  if (method == "set_begin_index") {
    index_.set_begin_index(a.get_int("begin_index", 0));
    return brick::Value();
  }
  if (method == "step_index") return brick::Value(index_.step_index());
  if (method == "begin_index") return brick::Value(index_.begin_index());
  if (method == "num_inference_steps") return brick::Value(num_inference_steps_);
  if (method == "scale_model_input") {
    at::Tensor sample = a.tensor("sample");
    const double sigma = sigmas_[static_cast<size_t>(index_.current(timesteps_, a.timestep("timestep")))];
    return brick::Value(sample / std::sqrt(sigma * sigma + 1.0));
  }
  if (method == "step") return step(a);
  if (method == "add_noise") return brick::Value(add_noise(a));
  if (method == "config") return config();
  return brick::ComponentType::call(method, args);
}

brick::Value EulerDiscreteScheduler::config() const {
  brick::Value c = copy_dict(created_from_.ref());
  c.set("_class_name", brick::Value(kName));
  betas_config_.write(c);
  c.set("prediction_type", brick::Value(prediction_type_));
  c.set("interpolation_type", brick::Value(interpolation_type_));
  c.set("use_karras_sigmas", brick::Value(use_karras_sigmas_));
  c.set("use_exponential_sigmas", brick::Value(use_exponential_sigmas_));
  c.set("use_beta_sigmas", brick::Value(use_beta_sigmas_));
  c.set("sigma_min", brick::Value(sigma_min_));
  c.set("sigma_max", brick::Value(sigma_max_));
  c.set("timestep_spacing", brick::Value(timestep_spacing_));
  c.set("timestep_type", brick::Value(timestep_type_));
  c.set("steps_offset", brick::Value(steps_offset_));
  c.set("final_sigmas_type", brick::Value(final_sigmas_type_));
  return c;
}

}  // namespace core
