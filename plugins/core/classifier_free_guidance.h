// core.ClassifierFreeGuidance: diffusers' ClassifierFreeGuidance guider
// (Ho & Salimans 2022), as a component type: set_state, num_conditions,
// forward, plus enable/disable and config.
#pragma once

#include <ATen/core/Tensor.h>
#include <brick/sdk.h>

#include <optional>
#include <string>

#include "dict_reader.h"

namespace core {

class ClassifierFreeGuidance : public brick::ComponentType {
 public:
  explicit ClassifierFreeGuidance(brick::ValueRef config);

  brick::Value call(const std::string& method, brick::ValueRef args) override;
  brick::Value config() const override;

 private:
  bool is_cfg_enabled(double guidance_scale) const;
  brick::Value forward(const DictReader& args) const;

  double guidance_scale_ = 7.5;
  double guidance_rescale_ = 0.0;
  bool use_original_formulation_ = false;
  double start_ = 0.0;
  double stop_ = 1.0;
  bool enabled_ = true;

  int64_t step_ = 0;
  std::optional<int64_t> num_inference_steps_;
  std::optional<double> timestep_;
};

// rescale_noise_cfg of arXiv 2305.08891, section 3.4: rescales the guided
// prediction to the per-sample standard deviation of the conditional one,
// mixed by guidance_rescale, against over-exposure at high guidance.
at::Tensor rescale_noise_cfg(const at::Tensor& noise_cfg, const at::Tensor& noise_pred_text, double guidance_rescale);

}  // namespace core
