// The schedule arithmetic the three schedulers share, written from
// diffusers' formulas: beta schedules, alphas_cumprod, timestep spacing,
// Karras and exponential sigmas, sigma -> timestep interpolation, numpy's
// linspace/arange/round/interp, and the host-side step index.
//
// All schedule scalars stay on the host as doubles; values diffusers keeps in
// float32 tensors are rounded to float32 (to_f32) so that timesteps read back
// from the CPU float32 tensor compare equal to the stored ones.
#pragma once

#include <ATen/core/Tensor.h>
#include <brick/sdk.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dict_reader.h"

namespace core::schedule {

// The training noise schedule of Euler and DDIM (and the config keys it reads).
struct BetaSchedule {
  int64_t num_train_timesteps = 1000;
  double beta_start = 0.0001;
  double beta_end = 0.02;
  std::string beta_schedule = "linear";
  std::optional<std::vector<double>> trained_betas;
  bool rescale_betas_zero_snr = false;

  static BetaSchedule read(const DictReader& config);
  void write(brick::Value& config) const;
  // betas, after rescale_zero_terminal_snr when asked.
  std::vector<double> betas() const;
};

std::vector<double> alphas_cumprod(const std::vector<double>& betas);

// timestep_spacing "linspace" | "leading" | "trailing" (diffusers' Table 2 of
// arXiv 2305.08891), descending. DDIM rounds linspace to integers, Euler
// does not (round_linspace).
std::vector<double> spaced_timesteps(const std::string& spacing, int64_t num_train_timesteps,
                                     int64_t num_inference_steps, int64_t steps_offset, bool round_linspace);

// numpy's linspace (endpoint included), round (half to even) and interp.
std::vector<double> linspace(double start, double stop, int64_t num);
double np_round(double x);
double interp(double x, const std::vector<double>& xp, const std::vector<double>& fp);

// The Karras et al. (2022) schedule, rho = 7, from sigma_max down to sigma_min.
std::vector<double> karras_sigmas(double sigma_min, double sigma_max, int64_t num_inference_steps);
// Log-uniform from sigma_max down to sigma_min.
std::vector<double> exponential_sigmas(double sigma_min, double sigma_max, int64_t num_inference_steps);
// diffusers' _sigma_to_t: the fractional training timestep of a sigma,
// interpolating log-sigma between the two neighbouring training sigmas.
double sigma_to_t(double sigma, const std::vector<double>& log_sigmas);

double to_f32(double x);
// A CPU float32 tensor of the values (what timesteps()/sigmas() return).
at::Tensor cpu_tensor(const std::vector<double>& values);

// Where a timestep sits in the schedule: diffusers' index_for_timestep
// (the second match when it appears twice, so img2img starting mid-schedule
// does not skip a sigma), done on the host copy, never on a device tensor.
int64_t index_for_timestep(const std::vector<double>& timesteps, double timestep);

// diffusers' _step_index / _begin_index pair.
class StepIndex {
 public:
  void reset() {
    step_index_.reset();
    begin_index_.reset();
  }
  void set_begin_index(int64_t begin) { begin_index_ = begin; }
  std::optional<int64_t> step_index() const { return step_index_; }
  std::optional<int64_t> begin_index() const { return begin_index_; }
  // The index the next step uses, without recording it.
  int64_t peek(const std::vector<double>& timesteps, double timestep) const;
  // _init_step_index when unset; returns the current index.
  int64_t current(const std::vector<double>& timesteps, double timestep);
  void advance() { step_index_ = *step_index_ + 1; }
  // The index add_noise / scale_noise use for a timestep.
  int64_t for_noise(const std::vector<double>& timesteps, double timestep) const;

 private:
  std::optional<int64_t> step_index_;
  std::optional<int64_t> begin_index_;
};

// Keyword arguments of a method call, checked to be a dict (or None).
DictReader kwargs(brick::ValueRef args, const std::string& class_name, const std::string& method);

// A refusal of a config or argument value this implementation does not
// support, naming the scheduler.
[[noreturn]] void unsupported(const std::string& class_name, const std::string& what);

// The sigma-family switches Euler and flow matching share: at most one may be
// set, and beta sigmas (scipy's Beta inverse CDF in diffusers) are refused.
void check_sigma_family(const std::string& class_name, bool karras, bool exponential, bool beta);

}  // namespace core::schedule
