// core.FlowMatchEulerDiscreteScheduler: diffusers' FlowMatchEulerDiscreteScheduler
// (rectified flow, x_t = (1 - sigma) x0 + sigma noise; the model predicts
// noise - x0), as a component type. Besides the contract's methods it answers
// scale_noise (its add_noise) and set_shift.
#pragma once

#include <brick/sdk.h>

#include <optional>
#include <string>
#include <vector>

#include "schedule.h"

namespace core {

class FlowMatchEulerDiscreteScheduler : public brick::ComponentType {
 public:
  explicit FlowMatchEulerDiscreteScheduler(brick::ValueRef config);

  brick::Value call(const std::string& method, brick::ValueRef args) override;
  brick::Value config() const override;

 private:
  brick::Value created_from_;  // the config it was made from: config() keeps its other keys
  void set_timesteps(const DictReader& args);
  brick::Value step(const DictReader& args);
  at::Tensor scale_noise(const DictReader& args, const char* sample_key) const;
  double shifted(double sigma) const;
  double time_shift(double mu, double sigma, double t) const;

  int64_t num_train_timesteps_ = 1000;
  double shift_ = 1.0;
  bool use_dynamic_shifting_ = false;
  std::optional<double> base_shift_ = 0.5;
  std::optional<double> max_shift_ = 1.15;
  int64_t base_image_seq_len_ = 256;
  int64_t max_image_seq_len_ = 4096;
  bool invert_sigmas_ = false;
  std::optional<double> shift_terminal_;
  bool use_karras_sigmas_ = false;
  bool use_exponential_sigmas_ = false;
  bool use_beta_sigmas_ = false;
  std::string time_shift_type_ = "exponential";
  bool stochastic_sampling_ = false;

  double sigma_min_ = 0.0;  // of the training schedule (shifted), float32
  double sigma_max_ = 1.0;
  std::vector<double> timesteps_;
  std::vector<double> sigmas_;
  std::optional<int64_t> num_inference_steps_;
  schedule::StepIndex index_;
};

}  // namespace core
