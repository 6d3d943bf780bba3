// Where a noisy sample sits between the data and the noise, from the
// timestep a scheduler passes: x = signal * x0 + noise * eps.
//   VP (epsilon, v_prediction, sample): the training schedule's
//     alphas_cumprod a(t) (diffusers' betas: linear, scaled_linear,
//     squaredcos_cap_v2 or trained_betas); signal = sqrt(a), noise = sqrt(1-a).
//     A fractional t interpolates sigma = sqrt((1-a)/a) linearly between
//     integer timesteps (np.interp, clamped at both ends), as diffusers'
//     EulerDiscreteScheduler does to place its sigmas.
//   flow: s = t / num_train_timesteps clamped to [0, 1]; signal = 1-s, noise = s.
// Everything here is host-side double arithmetic on the timestep the caller
// passed as a number: nothing reads a device tensor.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace shapes {

struct NoiseLevel {
  double signal;  // the coefficient of x0
  double noise;   // the coefficient of eps (the noise's standard deviation)
};

class NoiseSchedule {
 public:
  // trained_betas, when not empty, replaces the named schedule.
  NoiseSchedule(int64_t num_train_timesteps, double beta_start, double beta_end, const std::string& beta_schedule,
                std::vector<double> trained_betas = {});

  NoiseLevel vp(double timestep) const;
  NoiseLevel flow(double timestep) const;

  int64_t num_train_timesteps() const { return static_cast<int64_t>(alphas_cumprod_.size()); }
  const std::vector<double>& alphas_cumprod() const { return alphas_cumprod_; }

 private:
  std::vector<double> alphas_cumprod_;
  std::vector<double> sigmas_;  // sqrt((1 - a) / a); +inf where a == 0
};

}  // namespace shapes
