#include "noise_schedule.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include <brick/sdk.h>

#include "config_values.h"

namespace shapes {

namespace {

// diffusers' betas_for_alpha_bar with the cosine alpha_bar (squaredcos_cap_v2).
std::vector<double> cosine_betas(int64_t n) {
  auto alpha_bar = [](double t) { return std::pow(std::cos((t + 0.008) / 1.008 * std::numbers::pi / 2.0), 2.0); };
  std::vector<double> betas(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    double t1 = static_cast<double>(i) / static_cast<double>(n), t2 = static_cast<double>(i + 1) / static_cast<double>(n);
    betas[static_cast<size_t>(i)] = std::min(1.0 - alpha_bar(t2) / alpha_bar(t1), 0.999);
  }
  return betas;
}

// np.linspace(start, stop, n).
double linspace(double start, double stop, int64_t n, int64_t i) {
  if (n == 1) return start;
  return start + (stop - start) * static_cast<double>(i) / static_cast<double>(n - 1);
}

}  // namespace

NoiseSchedule::NoiseSchedule(int64_t num_train_timesteps, double beta_start, double beta_end,
                             const std::string& beta_schedule, std::vector<double> trained_betas) {
  std::vector<double> betas;
  if (!trained_betas.empty()) {
    betas = std::move(trained_betas);
  } else {
    if (num_train_timesteps < 1) throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, "num_train_timesteps must be positive");
    betas.resize(static_cast<size_t>(num_train_timesteps));
    if (beta_schedule == "linear") {
      for (int64_t i = 0; i < num_train_timesteps; ++i) {
        betas[static_cast<size_t>(i)] = linspace(beta_start, beta_end, num_train_timesteps, i);
      }
    } else if (beta_schedule == "scaled_linear") {
      for (int64_t i = 0; i < num_train_timesteps; ++i) {
        double b = linspace(std::sqrt(beta_start), std::sqrt(beta_end), num_train_timesteps, i);
        betas[static_cast<size_t>(i)] = b * b;
      }
    } else if (beta_schedule == "squaredcos_cap_v2") {
      betas = cosine_betas(num_train_timesteps);
    } else {
      throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                         concat("beta_schedule '", beta_schedule,
                                "' is not one of linear, scaled_linear, squaredcos_cap_v2"));
    }
  }
  double product = 1.0;
  for (double beta : betas) {
    if (!(beta >= 0.0 && beta <= 1.0)) throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, "betas must lie in [0, 1]");
    product *= 1.0 - beta;
    alphas_cumprod_.push_back(product);
    sigmas_.push_back(product > 0.0 ? std::sqrt((1.0 - product) / product) : std::numeric_limits<double>::infinity());
  }
}

NoiseLevel NoiseSchedule::vp(double timestep) const {
  if (std::isnan(timestep)) throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, "timestep is NaN");
  const double last = static_cast<double>(sigmas_.size() - 1);
  double t = std::clamp(timestep, 0.0, last);
  auto low = static_cast<size_t>(std::floor(t));
  size_t high = std::min(low + 1, sigmas_.size() - 1);
  double frac = t - static_cast<double>(low);
  double sigma = frac == 0.0 ? sigmas_[low] : sigmas_[low] + frac * (sigmas_[high] - sigmas_[low]);
  // a = 1 / (1 + sigma^2). Written from sigma so neither end loses precision:
  // signal = 1 / sqrt(1 + sigma^2), noise = sigma / sqrt(1 + sigma^2).
  if (std::isinf(sigma)) return {0.0, 1.0};  // a == 0: pure noise
  double norm = std::sqrt(1.0 + sigma * sigma);
  return {1.0 / norm, sigma / norm};
}

NoiseLevel NoiseSchedule::flow(double timestep) const {
  if (std::isnan(timestep)) throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, "timestep is NaN");
  double s = std::clamp(timestep / static_cast<double>(sigmas_.size()), 0.0, 1.0);
  return {1.0 - s, s};
}

}  // namespace shapes
