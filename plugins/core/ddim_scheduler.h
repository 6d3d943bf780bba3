// core.DDIMScheduler: diffusers' DDIMScheduler (Song et al. 2020) with
// eta = 0 (deterministic), as a component type. Timesteps are integers
// (returned as float32 values); step looks alphas_cumprod up by timestep,
// so it keeps no step index.
#pragma once

#include <brick/sdk.h>

#include <optional>
#include <string>
#include <vector>

#include "schedule.h"

namespace core {

class DDIMScheduler : public brick::ComponentType {
 public:
  explicit DDIMScheduler(brick::ValueRef config);

  brick::Value call(const std::string& method, brick::ValueRef args) override;
  brick::Value config() const override;

 private:
  brick::Value created_from_;  // the config it was made from: config() keeps its other keys
  void set_timesteps(const DictReader& args);
  brick::Value step(const DictReader& args) const;
  at::Tensor add_noise(const DictReader& args) const;
  // Imagen's dynamic thresholding of the predicted x0.
  at::Tensor threshold_sample(const at::Tensor& sample) const;
  int64_t train_index(double timestep, const char* method) const;

  schedule::BetaSchedule betas_config_;
  bool clip_sample_ = true;
  bool set_alpha_to_one_ = true;
  int64_t steps_offset_ = 0;
  std::string prediction_type_ = "epsilon";
  bool thresholding_ = false;
  double dynamic_thresholding_ratio_ = 0.995;
  double clip_sample_range_ = 1.0;
  double sample_max_value_ = 1.0;
  std::string timestep_spacing_ = "leading";

  std::vector<double> alphas_cumprod_;
  double final_alpha_cumprod_ = 1.0;
  std::vector<double> timesteps_;
  std::optional<int64_t> num_inference_steps_;
  std::optional<int64_t> begin_index_;  // kept for img2img callers; DDIM steps by timestep value
};

}  // namespace core
