#include "flow_match_euler_discrete_scheduler.h"

#include <ATen/TensorOperators.h>

#include <cmath>

namespace core {

namespace {
const char* const kName = "FlowMatchEulerDiscreteScheduler";
}

FlowMatchEulerDiscreteScheduler::FlowMatchEulerDiscreteScheduler(brick::ValueRef config_value)
    : created_from_(copy_dict(config_value)) {
  DictReader c(config_value, std::string(kName) + " config");
  num_train_timesteps_ = c.get_int("num_train_timesteps", num_train_timesteps_);
  shift_ = c.get_double("shift", shift_);
  use_dynamic_shifting_ = c.get_bool("use_dynamic_shifting", use_dynamic_shifting_);
  if (c.has("base_shift")) base_shift_ = c.get_double("base_shift", 0.5);
  if (c.has("max_shift")) max_shift_ = c.get_double("max_shift", 1.15);
  base_image_seq_len_ = c.get_int("base_image_seq_len", base_image_seq_len_);
  max_image_seq_len_ = c.get_int("max_image_seq_len", max_image_seq_len_);
  invert_sigmas_ = c.get_bool("invert_sigmas", invert_sigmas_);
  shift_terminal_ = c.get_optional_double("shift_terminal");
  use_karras_sigmas_ = c.get_bool("use_karras_sigmas", use_karras_sigmas_);
  use_exponential_sigmas_ = c.get_bool("use_exponential_sigmas", use_exponential_sigmas_);
  use_beta_sigmas_ = c.get_bool("use_beta_sigmas", use_beta_sigmas_);
  time_shift_type_ = c.get_string("time_shift_type", time_shift_type_);
  stochastic_sampling_ = c.get_bool("stochastic_sampling", stochastic_sampling_);

  schedule::check_sigma_family(kName, use_karras_sigmas_, use_exponential_sigmas_, use_beta_sigmas_);
  if (time_shift_type_ != "exponential" && time_shift_type_ != "linear") {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, "`time_shift_type` must either be 'exponential' or 'linear'.");
  }
  // The final step draws fresh noise: needs a generator, not offered here.
  if (stochastic_sampling_) schedule::unsupported(kName, "stochastic_sampling");
  if (num_train_timesteps_ < 1) throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, "num_train_timesteps must be positive");

  // The training schedule: t = T..1, sigma = t / T, shifted unless the shift
  // is dynamic (then it is decided per call by mu).
  const auto T = static_cast<double>(num_train_timesteps_);
  for (int64_t t = num_train_timesteps_; t >= 1; --t) {
    double sigma = schedule::to_f32(static_cast<double>(t) / T);
    if (!use_dynamic_shifting_) sigma = shifted(sigma);
    sigmas_.push_back(schedule::to_f32(sigma));
    timesteps_.push_back(schedule::to_f32(sigmas_.back() * T));
  }
  sigma_max_ = sigmas_.front();
  sigma_min_ = sigmas_.back();
}

double FlowMatchEulerDiscreteScheduler::shifted(double sigma) const {
  return shift_ * sigma / (1.0 + (shift_ - 1.0) * sigma);
}

double FlowMatchEulerDiscreteScheduler::time_shift(double mu, double sigma, double t) const {
  if (time_shift_type_ == "exponential") return std::exp(mu) / (std::exp(mu) + std::pow(1.0 / t - 1.0, sigma));
  return mu / (mu + std::pow(1.0 / t - 1.0, sigma));
}

void FlowMatchEulerDiscreteScheduler::set_timesteps(const DictReader& args) {
  std::optional<double> mu = args.get_optional_double("mu");
  if (use_dynamic_shifting_ && !mu) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       "`mu` must be passed when `use_dynamic_shifting` is set to be `True`");
  }
  std::optional<std::vector<double>> custom_sigmas = args.get_optional_doubles("sigmas");
  std::optional<std::vector<double>> custom_timesteps = args.get_optional_doubles("timesteps");
  if (custom_sigmas && custom_timesteps && custom_sigmas->size() != custom_timesteps->size()) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, "`sigmas` and `timesteps` should have the same length");
  }
  int64_t n = 0;
  if (args.has("num_inference_steps")) {
    n = args.get_int("num_inference_steps", 0);
    if ((custom_sigmas && static_cast<int64_t>(custom_sigmas->size()) != n) ||
        (custom_timesteps && static_cast<int64_t>(custom_timesteps->size()) != n)) {
      throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                         "`sigmas` and `timesteps` should have the same length as num_inference_steps, if "
                         "`num_inference_steps` is provided");
    }
  } else if (custom_sigmas || custom_timesteps) {
    n = static_cast<int64_t>(custom_sigmas ? custom_sigmas->size() : custom_timesteps->size());
  }
  if (n < 1) throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, "num_inference_steps must be at least 1");
  const auto T = static_cast<double>(num_train_timesteps_);

  std::vector<double> sigmas;
  if (custom_sigmas) {
    for (double s : *custom_sigmas) sigmas.push_back(schedule::to_f32(s));
  } else {
    std::vector<double> timesteps;
    if (custom_timesteps) {
      for (double t : *custom_timesteps) timesteps.push_back(schedule::to_f32(t));
    } else {
      // Between the (already shifted) training extremes, shifted once more
      // below: diffusers' behaviour, kept.
      timesteps = schedule::linspace(sigma_max_ * T, sigma_min_ * T, n);
    }
    for (double t : timesteps) sigmas.push_back(t / T);
  }
  for (double& s : sigmas) s = use_dynamic_shifting_ ? time_shift(*mu, 1.0, s) : shifted(s);
  if (shift_terminal_ && *shift_terminal_ != 0.0) {
    // Stretch so that the last sigma lands on shift_terminal.
    const double scale = (1.0 - sigmas.back()) / (1.0 - *shift_terminal_);
    for (double& s : sigmas) s = 1.0 - (1.0 - s) / scale;
  }
  if (use_karras_sigmas_) {
    sigmas = schedule::karras_sigmas(sigmas.back(), sigmas.front(), n);
  } else if (use_exponential_sigmas_) {
    sigmas = schedule::exponential_sigmas(sigmas.back(), sigmas.front(), n);
  }
  for (double& s : sigmas) s = schedule::to_f32(s);
  if (invert_sigmas_) {
    for (double& s : sigmas) s = schedule::to_f32(1.0 - s);
  }
  std::vector<double> timesteps;
  for (double s : sigmas) timesteps.push_back(schedule::to_f32(s * T));
  sigmas.push_back(invert_sigmas_ ? 1.0 : 0.0);

  num_inference_steps_ = n;
  timesteps_ = std::move(timesteps);
  sigmas_ = std::move(sigmas);
  index_.reset();
}

brick::Value FlowMatchEulerDiscreteScheduler::step(const DictReader& args) {
  at::Tensor model_output = args.tensor("model_output");
  const double timestep = args.timestep("timestep");
  at::Tensor sample = args.tensor("sample").to(at::kFloat);
  if (args.get_double("s_churn", 0.0) > 0.0) schedule::unsupported(kName, "step with s_churn > 0");
  const int64_t i = index_.peek(timesteps_, timestep);
  if (i + 1 >= static_cast<int64_t>(sigmas_.size())) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, std::string(kName) + ".step: the schedule is already finished");
  }
  index_.current(timesteps_, timestep);
  const double sigma = sigmas_[static_cast<size_t>(i)];
  const double sigma_next = sigmas_[static_cast<size_t>(i + 1)];
  at::Tensor prev_sample = (sample + model_output * (sigma_next - sigma)).to(model_output.scalar_type());
  index_.advance();
  // diffusers returns no x0 here; it is sample - sigma * (noise - x0)'s prediction.
  at::Tensor pred_original_sample = sample - model_output * sigma;
  return brick::Value::dict()
      .set("prev_sample", brick::Value(prev_sample))
      .set("pred_original_sample", brick::Value(pred_original_sample));
}

at::Tensor FlowMatchEulerDiscreteScheduler::scale_noise(const DictReader& args, const char* sample_key) const {
  at::Tensor sample = args.tensor(sample_key);
  at::Tensor noise = args.tensor("noise");
  const double sigma = sigmas_[static_cast<size_t>(index_.for_noise(timesteps_, args.timestep("timestep")))];
  return noise * sigma + sample * (1.0 - sigma);
}

brick::Value FlowMatchEulerDiscreteScheduler::call(const std::string& method, brick::ValueRef args) {
  DictReader a = schedule::kwargs(args, kName, method);
  if (method == "set_timesteps") {
    set_timesteps(a);
    return brick::Value();
  }
  if (method == "timesteps") return brick::Value(schedule::cpu_tensor(timesteps_));
  if (method == "sigmas") return brick::Value(schedule::cpu_tensor(sigmas_));
  // Flow matching starts from unit-variance noise and needs no input scaling.
  if (method == "init_noise_sigma") return brick::Value(1.0);
  if (method == "scale_model_input") return brick::Value(a.tensor("sample"));
  if (method == "order") return brick::Value(int64_t{1});
  if (method == "model_parametrization") return brick::Value("flow");
  if (method == "set_begin_index") {
    index_.set_begin_index(a.get_int("begin_index", 0));
    return brick::Value();
  }
  if (method == "set_shift") {
    shift_ = a.get_double("shift", shift_);
    return brick::Value();
  }
  if (method == "step_index") return brick::Value(index_.step_index());
  if (method == "begin_index") return brick::Value(index_.begin_index());
  if (method == "num_inference_steps") return brick::Value(num_inference_steps_);
  if (method == "step") return step(a);
  if (method == "scale_noise") return brick::Value(scale_noise(a, "sample"));
  if (method == "add_noise") {
    return brick::Value(scale_noise(a, a.has("original_samples") ? "original_samples" : "sample"));
  }
  if (method == "config") return config();
  return brick::ComponentType::call(method, args);
}

brick::Value FlowMatchEulerDiscreteScheduler::config() const {
  brick::Value c = copy_dict(created_from_.ref());
  c.set("_class_name", brick::Value(kName));
  c.set("num_train_timesteps", brick::Value(num_train_timesteps_));
  c.set("shift", brick::Value(shift_));
  c.set("use_dynamic_shifting", brick::Value(use_dynamic_shifting_));
  c.set("base_shift", brick::Value(base_shift_));
  c.set("max_shift", brick::Value(max_shift_));
  c.set("base_image_seq_len", brick::Value(base_image_seq_len_));
  c.set("max_image_seq_len", brick::Value(max_image_seq_len_));
  c.set("invert_sigmas", brick::Value(invert_sigmas_));
  c.set("shift_terminal", brick::Value(shift_terminal_));
  c.set("use_karras_sigmas", brick::Value(use_karras_sigmas_));
  c.set("use_exponential_sigmas", brick::Value(use_exponential_sigmas_));
  c.set("use_beta_sigmas", brick::Value(use_beta_sigmas_));
  c.set("time_shift_type", brick::Value(time_shift_type_));
  c.set("stochastic_sampling", brick::Value(stochastic_sampling_));
  return c;
}

}  // namespace core
