#include "classifier_free_guidance.h"

#include <ATen/TensorOperators.h>
#include <ATen/ops/std.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace core {

namespace {
const char* const kName = "ClassifierFreeGuidance";

// math.isclose with its default rel_tol 1e-9.
bool isclose(double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b)); }
}  // namespace

at::Tensor rescale_noise_cfg(const at::Tensor& noise_cfg, const at::Tensor& noise_pred_text, double guidance_rescale) {
  std::vector<int64_t> dims(static_cast<size_t>(std::max<int64_t>(noise_pred_text.dim() - 1, 0)));
  std::iota(dims.begin(), dims.end(), int64_t{1});
  at::Tensor std_text = at::std(noise_pred_text, dims, /*unbiased=*/true, /*keepdim=*/true);
  at::Tensor std_cfg = at::std(noise_cfg, dims, /*unbiased=*/true, /*keepdim=*/true);
  at::Tensor rescaled = noise_cfg * (std_text / std_cfg);
  return rescaled * guidance_rescale + noise_cfg * (1.0 - guidance_rescale);
}

ClassifierFreeGuidance::ClassifierFreeGuidance(brick::ValueRef config_value) {
  DictReader c(config_value, std::string(kName) + " config");
  guidance_scale_ = c.get_double("guidance_scale", guidance_scale_);
  guidance_rescale_ = c.get_double("guidance_rescale", guidance_rescale_);
  use_original_formulation_ = c.get_bool("use_original_formulation", use_original_formulation_);
  start_ = c.get_double("start", start_);
  stop_ = c.get_double("stop", stop_);
  enabled_ = c.get_bool("enabled", enabled_);
  if (start_ < 0.0 || start_ >= 1.0) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       c10::str("Expected `start` to be between 0.0 and 1.0, but got ", start_));
  }
  if (stop_ < start_ || stop_ > 1.0) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       c10::str("Expected `stop` to be between `start` and 1.0, but got ", stop_));
  }
}

bool ClassifierFreeGuidance::is_cfg_enabled(double guidance_scale) const {
  if (!enabled_) return false;
  bool within_range = true;
  if (num_inference_steps_) {
    // Steps [int(start * n), int(stop * n)) are guided.
    const auto n = static_cast<double>(*num_inference_steps_);
    const auto skip_start_step = static_cast<int64_t>(start_ * n);
    const auto skip_stop_step = static_cast<int64_t>(stop_ * n);
    within_range = skip_start_step <= step_ && step_ < skip_stop_step;
  }
  // A scale that reproduces the conditional prediction needs no second pass.
  const bool is_close = use_original_formulation_ ? isclose(guidance_scale, 0.0) : isclose(guidance_scale, 1.0);
  return within_range && !is_close;
}

brick::Value ClassifierFreeGuidance::forward(const DictReader& args) const {
  at::Tensor pred_cond = args.tensor("pred_cond");
  at::Tensor pred_uncond = args.optional_tensor("pred_uncond");
  const double scale = args.get_double("guidance_scale", guidance_scale_);
  at::Tensor pred;
  if (!is_cfg_enabled(scale)) {
    pred = pred_cond;
  } else {
    if (!pred_uncond.defined()) {
      throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                         std::string(kName) + ".forward: guidance is enabled at this step but pred_uncond is None");
    }
    at::Tensor shift = pred_cond - pred_uncond;
    pred = (use_original_formulation_ ? pred_cond : pred_uncond) + shift * scale;
  }
  if (guidance_rescale_ > 0.0) pred = rescale_noise_cfg(pred, pred_cond, guidance_rescale_);
  return brick::Value::dict()
      .set("pred", brick::Value(pred))
      .set("pred_cond", brick::Value(pred_cond))
      .set("pred_uncond", brick::Value(pred_uncond));
}

brick::Value ClassifierFreeGuidance::call(const std::string& method, brick::ValueRef args) {
  std::string what = kName;
  what += ".";
  what += method;
  DictReader a(args, what);
  if (method == "set_state") {
    step_ = a.get_int("step", 0);
    num_inference_steps_.reset();
    if (a.has("num_inference_steps")) num_inference_steps_ = a.get_int("num_inference_steps", 0);
    timestep_ = a.get_optional_double("timestep");
    return brick::Value();
  }
  if (method == "num_conditions")
    return brick::Value(int64_t{is_cfg_enabled(a.get_double("guidance_scale", guidance_scale_)) ? 2 : 1});
  if (method == "forward") return forward(a);
  if (method == "enable") {
    enabled_ = true;
    return brick::Value();
  }
  if (method == "disable") {
    enabled_ = false;
    return brick::Value();
  }
  if (method == "guidance_scale") return brick::Value(guidance_scale_);
  if (method == "config") return config();
  return brick::ComponentType::call(method, args);
}

brick::Value ClassifierFreeGuidance::config() const {
  brick::Value c = brick::Value::dict();
  c.set("_class_name", brick::Value(kName));
  c.set("guidance_scale", brick::Value(guidance_scale_));
  c.set("guidance_rescale", brick::Value(guidance_rescale_));
  c.set("use_original_formulation", brick::Value(use_original_formulation_));
  c.set("start", brick::Value(start_));
  c.set("stop", brick::Value(stop_));
  c.set("enabled", brick::Value(enabled_));
  return c;
}

}  // namespace core
