// core.EulerDiscreteScheduler: diffusers' EulerDiscreteScheduler (Karras et
// al. 2022, Algorithm 2, deterministic), as a component type. Methods follow
// the contract (docs/plugins/core.md): set_timesteps, timesteps, sigmas,
// init_noise_sigma, order, set_begin_index, scale_model_input, step,
// add_noise, model_parametrization, config.
#pragma once

#include <brick/sdk.h>

#include <optional>
#include <string>
#include <vector>

#include "schedule.h"

namespace core {

class EulerDiscreteScheduler : public brick::ComponentType {
 public:
  explicit EulerDiscreteScheduler(brick::ValueRef config);

  brick::Value call(const std::string& method, brick::ValueRef args) override;
  brick::Value config() const override;

 private:
  brick::Value created_from_;  // the config it was made from: config() keeps its other keys
  void set_timesteps(const DictReader& args);
  double init_noise_sigma() const;
  brick::Value step(const DictReader& args);
  at::Tensor add_noise(const DictReader& args) const;
  // sqrt((1 - alphas_cumprod) / alphas_cumprod), in training-timestep order.
  std::vector<double> training_sigmas() const;

  schedule::BetaSchedule betas_config_;
  std::string prediction_type_ = "epsilon";
  std::string interpolation_type_ = "linear";
  bool use_karras_sigmas_ = false;
  bool use_exponential_sigmas_ = false;
  bool use_beta_sigmas_ = false;
  std::optional<double> sigma_min_;
  std::optional<double> sigma_max_;
  std::string timestep_spacing_ = "linspace";
  std::string timestep_type_ = "discrete";
  int64_t steps_offset_ = 0;
  std::string final_sigmas_type_ = "zero";

  std::vector<double> alphas_cumprod_;
  std::vector<double> timesteps_;  // float32 values, host-side
  std::vector<double> sigmas_;     // float32 values, one more than timesteps_
  std::optional<int64_t> num_inference_steps_;
  schedule::StepIndex index_;
};

}  // namespace core
