#include "schedule.h"

#include <ATen/ops/empty.h>

#include <algorithm>
#include <cmath>

namespace core::schedule {

namespace {

// betas_for_alpha_bar with the cosine alpha_bar of Nichol & Dhariwal (2021).
std::vector<double> squaredcos_cap_v2(int64_t num_train_timesteps) {
  auto alpha_bar = [](double t) {
    double c = std::cos((t + 0.008) / 1.008 * M_PI / 2.0);
    return c * c;
  };
  std::vector<double> betas;
  const double n = static_cast<double>(num_train_timesteps);
  for (int64_t i = 0; i < num_train_timesteps; ++i) {
    double t1 = static_cast<double>(i) / n;
    double t2 = static_cast<double>(i + 1) / n;
    betas.push_back(std::min(1.0 - alpha_bar(t2) / alpha_bar(t1), 0.999));
  }
  return betas;
}

// Algorithm 1 of arXiv 2305.08891: shift and scale sqrt(alphas_cumprod) so the
// last step has zero SNR while the first keeps its value.
std::vector<double> rescale_zero_terminal_snr(const std::vector<double>& betas) {
  std::vector<double> sqrt_ac = alphas_cumprod(betas);
  for (double& a : sqrt_ac) a = std::sqrt(a);
  const double first = sqrt_ac.front();
  const double last = sqrt_ac.back();
  for (double& a : sqrt_ac) a = (a - last) * first / (first - last);
  std::vector<double> out(betas.size());
  for (size_t i = 0; i < sqrt_ac.size(); ++i) {
    double alpha_bar = sqrt_ac[i] * sqrt_ac[i];
    double alpha = i == 0 ? alpha_bar : alpha_bar / (sqrt_ac[i - 1] * sqrt_ac[i - 1]);
    out[i] = 1.0 - alpha;
  }
  return out;
}

// np.arange(start, stop, step) for a float step.
std::vector<double> arange(double start, double stop, double step) {
  auto count = static_cast<int64_t>(std::ceil((stop - start) / step));
  std::vector<double> out;
  for (int64_t i = 0; i < count; ++i) out.push_back(start + static_cast<double>(i) * step);
  return out;
}

}  // namespace

BetaSchedule BetaSchedule::read(const DictReader& config) {
  BetaSchedule s;
  s.num_train_timesteps = config.get_int("num_train_timesteps", s.num_train_timesteps);
  s.beta_start = config.get_double("beta_start", s.beta_start);
  s.beta_end = config.get_double("beta_end", s.beta_end);
  s.beta_schedule = config.get_string("beta_schedule", s.beta_schedule);
  s.trained_betas = config.get_optional_doubles("trained_betas");
  s.rescale_betas_zero_snr = config.get_bool("rescale_betas_zero_snr", s.rescale_betas_zero_snr);
  if (s.num_train_timesteps < 2) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, "num_train_timesteps must be at least 2");
  }
  if (s.trained_betas && static_cast<int64_t>(s.trained_betas->size()) != s.num_train_timesteps) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       c10::str("trained_betas has ", s.trained_betas->size(), " values but num_train_timesteps is ",
                                s.num_train_timesteps));
  }
  if (!s.trained_betas && s.beta_schedule != "linear" && s.beta_schedule != "scaled_linear" &&
      s.beta_schedule != "squaredcos_cap_v2") {
    std::string message = "beta_schedule '";
    message += s.beta_schedule;
    message += "' is not implemented (linear, scaled_linear, squaredcos_cap_v2)";
    throw brick::Error(BRICK_ERR_UNSUPPORTED, message);
  }
  return s;
}

void BetaSchedule::write(brick::Value& config) const {
  config.set("num_train_timesteps", brick::Value(num_train_timesteps));
  config.set("beta_start", brick::Value(beta_start));
  config.set("beta_end", brick::Value(beta_end));
  config.set("beta_schedule", brick::Value(beta_schedule));
  config.set("trained_betas", brick::Value(trained_betas));
  config.set("rescale_betas_zero_snr", brick::Value(rescale_betas_zero_snr));
}

std::vector<double> BetaSchedule::betas() const {
  std::vector<double> out;
  if (trained_betas) {
    out = *trained_betas;
  } else if (beta_schedule == "linear") {
    out = linspace(beta_start, beta_end, num_train_timesteps);
  } else if (beta_schedule == "scaled_linear") {
    out = linspace(std::sqrt(beta_start), std::sqrt(beta_end), num_train_timesteps);
    for (double& b : out) b *= b;
  } else {
    out = squaredcos_cap_v2(num_train_timesteps);
  }
  if (rescale_betas_zero_snr) out = rescale_zero_terminal_snr(out);
  return out;
}

std::vector<double> alphas_cumprod(const std::vector<double>& betas) {
  std::vector<double> out(betas.size());
  double product = 1.0;
  for (size_t i = 0; i < betas.size(); ++i) {
    product *= 1.0 - betas[i];
    out[i] = product;
  }
  return out;
}

std::vector<double> linspace(double start, double stop, int64_t num) {
  std::vector<double> out;
  if (num <= 0) return out;
  if (num == 1) return {start};
  const double step = (stop - start) / static_cast<double>(num - 1);
  for (int64_t i = 0; i < num; ++i) out.push_back(static_cast<double>(i) * step + start);
  out.back() = stop;
  return out;
}

double np_round(double x) { return std::nearbyint(x); }

double interp(double x, const std::vector<double>& xp, const std::vector<double>& fp) {
  if (x <= xp.front()) return fp.front();
  if (x >= xp.back()) return fp.back();
  auto hi = static_cast<size_t>(std::upper_bound(xp.begin(), xp.end(), x) - xp.begin());
  size_t lo = hi - 1;
  double w = (x - xp[lo]) / (xp[hi] - xp[lo]);
  return fp[lo] + w * (fp[hi] - fp[lo]);
}

std::vector<double> spaced_timesteps(const std::string& spacing, int64_t num_train_timesteps,
                                     int64_t num_inference_steps, int64_t steps_offset, bool round_linspace) {
  if (num_inference_steps < 1) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       c10::str("num_inference_steps must be at least 1, got ", num_inference_steps));
  }
  std::vector<double> out;
  if (spacing == "linspace") {
    out = linspace(0.0, static_cast<double>(num_train_timesteps - 1), num_inference_steps);
    if (round_linspace) {
      for (double& t : out) t = np_round(t);
    }
    std::reverse(out.begin(), out.end());
  } else if (spacing == "leading") {
    const int64_t step_ratio = num_train_timesteps / num_inference_steps;
    for (int64_t i = num_inference_steps - 1; i >= 0; --i) {
      out.push_back(static_cast<double>(i * step_ratio + steps_offset));
    }
  } else if (spacing == "trailing") {
    const double step_ratio = static_cast<double>(num_train_timesteps) / static_cast<double>(num_inference_steps);
    out = arange(static_cast<double>(num_train_timesteps), 0.0, -step_ratio);
    for (double& t : out) t = np_round(t) - 1.0;
  } else {
    std::string message = "timestep_spacing '";
    message += spacing;
    message += "' is not supported. Please make sure to choose one of 'linspace', 'leading' or 'trailing'.";
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, message);
  }
  return out;
}

std::vector<double> karras_sigmas(double sigma_min, double sigma_max, int64_t num_inference_steps) {
  const double rho = 7.0;
  const double min_inv_rho = std::pow(sigma_min, 1.0 / rho);
  const double max_inv_rho = std::pow(sigma_max, 1.0 / rho);
  std::vector<double> out;
  for (double r : linspace(0.0, 1.0, num_inference_steps)) {
    out.push_back(std::pow(max_inv_rho + r * (min_inv_rho - max_inv_rho), rho));
  }
  return out;
}

std::vector<double> exponential_sigmas(double sigma_min, double sigma_max, int64_t num_inference_steps) {
  std::vector<double> out;
  for (double l : linspace(std::log(sigma_max), std::log(sigma_min), num_inference_steps)) out.push_back(std::exp(l));
  return out;
}

double sigma_to_t(double sigma, const std::vector<double>& log_sigmas) {
  const double log_sigma = std::log(std::max(sigma, 1e-10));
  // low_idx = cumsum(log_sigma - log_sigmas >= 0).argmax(), clipped: the last
  // training sigma not above this one (0 when there is none).
  const auto n = static_cast<int64_t>(log_sigmas.size());
  int64_t count = 0;
  int64_t best = 0;
  int64_t low_idx = 0;
  for (int64_t j = 0; j < n; ++j) {
    if (log_sigma - log_sigmas[static_cast<size_t>(j)] >= 0) ++count;
    if (count > best) {
      best = count;
      low_idx = j;
    }
  }
  low_idx = std::min(low_idx, n - 2);
  const int64_t high_idx = low_idx + 1;
  const double low = log_sigmas[static_cast<size_t>(low_idx)];
  const double high = log_sigmas[static_cast<size_t>(high_idx)];
  const double w = std::clamp((low - log_sigma) / (low - high), 0.0, 1.0);
  return (1.0 - w) * static_cast<double>(low_idx) + w * static_cast<double>(high_idx);
}

double to_f32(double x) { return static_cast<double>(static_cast<float>(x)); }

at::Tensor cpu_tensor(const std::vector<double>& values) {
  at::Tensor out = at::empty({static_cast<int64_t>(values.size())}, at::TensorOptions().dtype(at::kFloat));
  float* data = out.data_ptr<float>();
  for (size_t i = 0; i < values.size(); ++i) data[i] = static_cast<float>(values[i]);
  return out;
}

int64_t index_for_timestep(const std::vector<double>& timesteps, double timestep) {
  const auto wanted = static_cast<float>(timestep);
  std::vector<int64_t> matches;
  for (size_t i = 0; i < timesteps.size(); ++i) {
    if (static_cast<float>(timesteps[i]) == wanted) matches.push_back(static_cast<int64_t>(i));
  }
  if (matches.empty()) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, c10::str("timestep ", timestep,
                                                            " is not in the schedule (call set_timesteps first, and "
                                                            "pass one of the scheduler's timesteps)"));
  }
  return matches.size() > 1 ? matches[1] : matches[0];
}

int64_t StepIndex::peek(const std::vector<double>& timesteps, double timestep) const {
  if (step_index_) return *step_index_;
  return begin_index_ ? *begin_index_ : index_for_timestep(timesteps, timestep);
}

int64_t StepIndex::current(const std::vector<double>& timesteps, double timestep) {
  step_index_ = peek(timesteps, timestep);
  return *step_index_;
}

int64_t StepIndex::for_noise(const std::vector<double>& timesteps, double timestep) const {
  if (!begin_index_) return index_for_timestep(timesteps, timestep);
  return step_index_ ? *step_index_ : *begin_index_;
}

DictReader kwargs(brick::ValueRef args, const std::string& class_name, const std::string& method) {
  std::string what = class_name;
  what += ".";
  what += method;
  return DictReader(args, what);
}

void check_sigma_family(const std::string& class_name, bool karras, bool exponential, bool beta) {
  if (int(karras) + int(exponential) + int(beta) > 1) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       "Only one of `config.use_beta_sigmas`, `config.use_exponential_sigmas`, "
                       "`config.use_karras_sigmas` can be used.");
  }
  if (beta) unsupported(class_name, "use_beta_sigmas");
}

void unsupported(const std::string& class_name, const std::string& what) {
  std::string message = class_name;
  message += ": ";
  message += what;
  message += " is not supported by brick's core plugin";
  throw brick::Error(BRICK_ERR_UNSUPPORTED, message);
}

}  // namespace core::schedule
