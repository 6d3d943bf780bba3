// core.ClassifierFreeGuidance through the host: diffusers' formulas (the
// native and the original formulation, guidance_rescale, start/stop).
#include <ATen/ops/tensor.h>
#include <gtest/gtest.h>

#include "brick/host/base/error.h"
#include "core_test_support.h"

namespace core_test {
namespace {

using brick::host::Object;

Value forward(const std::shared_ptr<Object>& guider, const std::vector<double>& cond, const std::vector<double>& uncond,
              Value::Dict extra = {}) {
  Value::Dict args = {{"pred_cond", tensor(cond).view({1, -1})}, {"pred_uncond", tensor(uncond).view({1, -1})}};
  for (auto& kv : extra) args.push_back(kv);
  return call(guider, "forward", std::move(args));
}

int64_t conditions(const std::shared_ptr<Object>& guider, Value::Dict args = {}) {
  return call(guider, "num_conditions", std::move(args)).as_int();
}

TEST(ClassifierFreeGuidance, DiffusersFormulation) {
  std::shared_ptr<Object> guider = make("core.ClassifierFreeGuidance", R"({"guidance_scale": 7.5})");
  EXPECT_EQ(conditions(guider), 2);
  // pred = uncond + 7.5 * (cond - uncond)
  Value out = forward(guider, {1.0, 2.0}, {0.0, 1.0});
  expect_tensor(*out.find("pred"), {7.5, 8.5});
  expect_tensor(*out.find("pred_cond"), {1.0, 2.0});
  expect_tensor(*out.find("pred_uncond"), {0.0, 1.0});
  // A per-call guidance_scale overrides the configured one.
  expect_tensor(*forward(guider, {1.0, 2.0}, {0.0, 1.0}, {{"guidance_scale", 3.0}}).find("pred"), {3.0, 4.0});
  EXPECT_EQ(conditions(guider, {{"guidance_scale", 1.0}}), 1);
  // Scale 1 reproduces the conditional prediction: one condition, pred = cond.
  std::shared_ptr<Object> one = make("core.ClassifierFreeGuidance", R"({"guidance_scale": 1.0})");
  EXPECT_EQ(conditions(one), 1);
  Value plain = call(one, "forward", {{"pred_cond", tensor({1.0, 2.0})}});
  expect_tensor(*plain.find("pred"), {1.0, 2.0});
  EXPECT_TRUE(plain.find("pred_uncond")->is_none());
}

TEST(ClassifierFreeGuidance, OriginalFormulation) {
  std::shared_ptr<Object> guider =
      make("core.ClassifierFreeGuidance", R"({"guidance_scale": 7.5, "use_original_formulation": true})");
  // pred = cond + 7.5 * (cond - uncond)
  expect_tensor(*forward(guider, {1.0, 2.0}, {0.0, 1.0}).find("pred"), {8.5, 9.5});
  EXPECT_EQ(conditions(guider, {{"guidance_scale", 1.0}}), 2);
  EXPECT_EQ(conditions(guider, {{"guidance_scale", 0.0}}), 1);
}

TEST(ClassifierFreeGuidance, GuidanceRescale) {
  // rescale_noise_cfg: cfg * (std(cond) / std(cfg)) mixed by 0.7 with cfg (unbiased std over all but the batch).
  std::shared_ptr<Object> guider =
      make("core.ClassifierFreeGuidance", R"({"guidance_scale": 5.0, "guidance_rescale": 0.7})");
  expect_tensor(*forward(guider, {1.0, 2.0, 3.0, 4.0}, {0.0, 1.0, 1.0, 2.0}).find("pred"),
                {2.7866255886641635, 3.3439507063969955, 6.130576295061159, 6.687901412793991}, 1e-6, 1e-6);
}

TEST(ClassifierFreeGuidance, StartAndStopBoundTheGuidedSteps) {
  std::shared_ptr<Object> guider = make("core.ClassifierFreeGuidance", R"({"start": 0.2, "stop": 0.8})");
  std::vector<int64_t> seen;
  for (int64_t step = 0; step < 10; ++step) {
    call(guider, "set_state", {{"step", step}, {"num_inference_steps", 10}, {"timestep", 999.0}});
    seen.push_back(conditions(guider));
  }
  // Steps int(0.2 * 10) = 2 to int(0.8 * 10) = 8, excluded.
  EXPECT_EQ(seen, (std::vector<int64_t>{1, 1, 2, 2, 2, 2, 2, 2, 1, 1}));
  // Outside the range the prediction is the conditional one.
  expect_tensor(*forward(guider, {1.0, 2.0}, {0.0, 1.0}).find("pred"), {1.0, 2.0});
  call(guider, "disable");
  call(guider, "set_state", {{"step", 5}, {"num_inference_steps", 10}});
  EXPECT_EQ(conditions(guider), 1);
}

TEST(ClassifierFreeGuidance, ConfigAndErrors) {
  std::shared_ptr<Object> guider = make("core.ClassifierFreeGuidance", R"({"guidance_scale": 5.0, "other": 1})");
  Value config = guider->config();
  EXPECT_EQ(config.find("_class_name")->as_string(), "ClassifierFreeGuidance");
  EXPECT_EQ(config.find("guidance_scale")->as_float(), 5.0);
  EXPECT_EQ(config.find("guidance_rescale")->as_float(), 0.0);
  EXPECT_EQ(config.find("use_original_formulation")->as_bool(), false);
  EXPECT_EQ(config.find("start")->as_float(), 0.0);
  EXPECT_EQ(config.find("stop")->as_float(), 1.0);
  EXPECT_FALSE(config.find("other"));
  EXPECT_THROW(call(guider, "forward", {{"pred_cond", tensor({1.0})}}), brick::host::Error);
  EXPECT_THROW(make("core.ClassifierFreeGuidance", R"({"start": 1.0})"), brick::host::Error);
  EXPECT_THROW(make("core.ClassifierFreeGuidance", R"({"start": 0.5, "stop": 0.2})"), brick::host::Error);
}

}  // namespace
}  // namespace core_test
