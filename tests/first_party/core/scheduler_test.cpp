// The schedulers through the real loader and the host's component machinery,
// against values derived independently from diffusers' published formulas
// (derive_expected.py in this folder prints them; plain Python, double
// precision). Sample and model output of the one-step checks:
// sample = [1, -2, 0.5], model_output = [0.1, 0.2, -0.3].
#include <ATen/ops/zeros.h>
#include <gtest/gtest.h>

#include "brick/host/base/error.h"
#include "core_test_support.h"

namespace core_test {
namespace {

using brick::host::Object;

const std::vector<double> kSample = {1.0, -2.0, 0.5};
const std::vector<double> kOutput = {0.1, 0.2, -0.3};
// Step outputs are float32 arithmetic on values derived in double.
constexpr double kStepRel = 1e-5;
constexpr double kStepAbs = 1e-5;

const char* const kSdEuler = R"({"beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012, )";

std::shared_ptr<Object> with_timesteps(const std::string& type, const std::string& config, int64_t n) {
  std::shared_ptr<Object> s = make(type, config);
  call(s, "set_timesteps", {{"num_inference_steps", n}});
  return s;
}

Value step(const std::shared_ptr<Object>& s, double t, const std::vector<double>& sample = kSample,
           const std::vector<double>& output = kOutput) {
  return call(s, "step", {{"model_output", tensor(output)}, {"timestep", t}, {"sample", tensor(sample)}});
}

// What a call fails with.
brick_status failure_of(const std::function<void()>& f, std::string* message = nullptr) {
  try {
    f();
  } catch (const brick::host::Error& e) {
    if (message) *message = e.what();
    return e.status();
  }
  return BRICK_OK;
}

// ---- EulerDiscreteScheduler ------------------------------------------------

struct EulerCase {
  std::string name;
  std::string config;
  int64_t n;
  std::vector<double> timesteps;
  std::vector<double> sigmas;
  double init_noise_sigma;
};

TEST(EulerDiscreteScheduler, SchedulesMatchTheFormulas) {
  const std::string sd = kSdEuler;
  const std::vector<EulerCase> cases = {
      {"linear linspace 4",
       "{}",
       4,
       {999, 666, 333, 0},
       {157.40728081040757, 9.488920229525215, 1.4623566969975688, 0.010000500037502575, 0.0},
       157.40728081040757},
      // A fractional timestep (499.5) interpolates sigma linearly.
      {"linear linspace 3",
       "{}",
       3,
       {999, 499.5, 0},
       {157.40728081040757, 3.433551865784932, 0.010000500037502575, 0.0},
       157.40728081040757},
      {"SD leading, steps_offset 1",
       sd + R"("timestep_spacing": "leading", "steps_offset": 1})",
       5,
       {801, 601, 401, 201, 1},
       {5.134431117517536, 2.292853821788702, 1.1682159550479787, 0.5740502594628525, 0.04131441199678309, 0.0},
       5.2309065084870685},
      {"SD trailing",
       sd + R"("timestep_spacing": "trailing"})",
       3,
       {999, 666, 332},
       {14.614641229333639, 2.9183071154268285, 0.9292144332132185, 0.0},
       14.614641229333639},
      {"SD karras",
       sd + R"("use_karras_sigmas": true})",
       4,
       {999.0, 687.1527460744259, 145.9380686057837, 0.0},
       {14.614641229333643, 3.168603072959619, 0.44691820937343973, 0.02916715815172038, 0.0},
       14.614641229333643},
      {"final sigma_min",
       R"({"final_sigmas_type": "sigma_min"})",
       3,
       {999, 499.5, 0},
       {157.40728081040757, 3.433551865784932, 0.010000500037502575, 0.010000500037502575},
       157.40728081040757},
      {"squaredcos_cap_v2",
       R"({"beta_schedule": "squaredcos_cap_v2"})",
       3,
       {999, 499.5, 0},
       {20291.169610019886, 1.0139700572337569, 0.006425412771142061, 0.0},
       20291.169610019886},
      {"zero terminal SNR",
       sd + R"("timestep_spacing": "trailing", "rescale_betas_zero_snr": true})",
       2,
       {999, 499},
       {4095.9998779296857, 1.7680802029011626, 0.0},
       4095.9998779296857},
  };
  for (const EulerCase& c : cases) {
    std::shared_ptr<Object> s = with_timesteps("core.EulerDiscreteScheduler", c.config, c.n);
    Value timesteps = call(s, "timesteps");
    ASSERT_TRUE(timesteps.is_tensor()) << c.name;
    EXPECT_TRUE(timesteps.as_tensor().device().is_cpu()) << c.name;
    EXPECT_EQ(timesteps.as_tensor().scalar_type(), at::kFloat) << c.name;
    expect_tensor(timesteps, c.timesteps, 2e-6, 1e-4, c.name + " timesteps");
    expect_tensor(call(s, "sigmas"), c.sigmas, 2e-6, 1e-7, c.name + " sigmas");
    EXPECT_NEAR(call(s, "init_noise_sigma").as_float(), c.init_noise_sigma, 2e-6 * c.init_noise_sigma) << c.name;
  }
}

TEST(EulerDiscreteScheduler, OneStepInEachParametrization) {
  const std::string leading = std::string(kSdEuler) + R"("timestep_spacing": "leading", "steps_offset": 1)";
  std::shared_ptr<Object> s = with_timesteps("core.EulerDiscreteScheduler", leading + "}", 5);
  expect_tensor(call(s, "scale_model_input", {{"sample", tensor(kSample)}, {"timestep", 801.0}}),
                {0.19117145343307412, -0.38234290686614825, 0.09558572671653706}, kStepRel, kStepAbs, "scaled");
  Value out = step(s, 801.0);
  expect_tensor(*out.find("prev_sample"), {0.7158422704271166, -2.568315459145767, 1.3524731887186503}, kStepRel,
                kStepAbs, "epsilon prev");
  expect_tensor(*out.find("pred_original_sample"), {0.4865568882482464, -3.0268862235035074, 2.0403293352552607},
                kStepRel, kStepAbs, "epsilon x0");
  EXPECT_EQ(call(s, "step_index").as_int(), 1);

  std::shared_ptr<Object> v =
      with_timesteps("core.EulerDiscreteScheduler", leading + R"(, "prediction_type": "v_prediction"})", 5);
  out = step(v, 801.0);
  expect_tensor(*out.find("prev_sample"), {0.4124676397694744, -1.0422266642057112, 0.3963637814681541}, kStepRel,
                kStepAbs, "v prev");
  expect_tensor(*out.find("pred_original_sample"), {-0.06160914132106903, -0.26940438107299414, 0.3127402600902061},
                kStepRel, kStepAbs, "v x0");
  EXPECT_EQ(call(v, "model_parametrization").as_string(), "v_prediction");

  std::shared_ptr<Object> x =
      with_timesteps("core.EulerDiscreteScheduler", leading + R"(, "prediction_type": "sample"})", 5);
  out = step(x, 801.0);
  expect_tensor(*out.find("prev_sample"), {0.5019079022346595, -0.7824415387958343, 0.05725146865303066}, kStepRel,
                kStepAbs, "sample prev");
  EXPECT_EQ(call(x, "model_parametrization").as_string(), "sample");
}

TEST(EulerDiscreteScheduler, TheStepIndexFollowsTheWholeSchedule) {
  std::shared_ptr<Object> s = with_timesteps("core.EulerDiscreteScheduler", "{}", 4);
  EXPECT_TRUE(call(s, "step_index").is_none());
  std::vector<double> x = kSample;
  for (double t : {999.0, 666.0, 333.0, 0.0}) {
    std::vector<double> output;
    for (double v : x) output.push_back(0.1 * v);
    x = values_of(step(s, t, x, output).find("prev_sample")->as_tensor());
  }
  expect_values(x, {-2.3241123469856175, 4.648224693971235, -1.1620561734928088}, kStepRel, kStepAbs, "final");
  std::string message;
  EXPECT_EQ(failure_of([&] { step(s, 0.0); }, &message), BRICK_ERR_INVALID_ARGUMENT);
  EXPECT_NE(message.find("already finished"), std::string::npos) << message;
  // set_timesteps starts over.
  call(s, "set_timesteps", {{"num_inference_steps", 4}});
  EXPECT_TRUE(call(s, "step_index").is_none());
  EXPECT_EQ(call(s, "order").as_int(), 1);
  EXPECT_EQ(call(s, "model_parametrization").as_string(), "epsilon");
}

TEST(EulerDiscreteScheduler, AddNoiseUsesTheBeginIndexOrTheTimestep) {
  std::shared_ptr<Object> s = with_timesteps("core.EulerDiscreteScheduler", "{}", 4);
  const std::vector<double> noisy = {1.7311783484987844, -1.2688216515012156, 1.2311783484987844};
  Value::Dict args = {{"original_samples", tensor(kSample)}, {"noise", tensor({0.5, 0.5, 0.5})}, {"timestep", 333.0}};
  expect_tensor(call(s, "add_noise", args), noisy, kStepRel, kStepAbs, "by timestep");
  call(s, "set_begin_index", {{"begin_index", 2}});
  args[2].second = 999.0;  // ignored once the begin index is set (img2img)
  expect_tensor(call(s, "add_noise", args), noisy, kStepRel, kStepAbs, "by begin index");
  // The first step starts at the begin index too.
  call(s, "scale_model_input", {{"sample", tensor(kSample)}, {"timestep", 333.0}});
  EXPECT_EQ(call(s, "step_index").as_int(), 2);
}

// Keys a scheduler does not use are ignored by it but kept in its config, as
// diffusers' from_config keeps them (its "hidden" config): DDIM's
// clip_sample survives a swap to Euler and back.
TEST(EulerDiscreteScheduler, ConfigIsCompleteAndKeepsUnknownKeys) {
  std::shared_ptr<Object> s =
      make("core.EulerDiscreteScheduler",
           R"({"beta_end": 0.012, "clip_sample": false, "_diffusers_version": "0.40.0", "foo": 1})");
  Value config = s->config();
  ASSERT_TRUE(config.find("_class_name"));
  EXPECT_EQ(config.find("_class_name")->as_string(), "EulerDiscreteScheduler");
  EXPECT_EQ(config.find("beta_end")->as_float(), 0.012);
  EXPECT_EQ(config.find("timestep_spacing")->as_string(), "linspace");
  EXPECT_EQ(config.find("final_sigmas_type")->as_string(), "zero");
  EXPECT_TRUE(config.find("trained_betas")->is_none());
  EXPECT_EQ(config.find("foo")->as_int(), 1);
  EXPECT_EQ(config.find("clip_sample")->as_bool(), false);
  EXPECT_EQ(call(s, "config"), config);
  // _class_name, diffusers' 17 __init__ arguments, and the three given keys Euler does not use.
  EXPECT_EQ(config.as_dict().size(), 21u);
}

TEST(EulerDiscreteScheduler, RefusesWhatItDoesNotImplement) {
  std::string message;
  EXPECT_NE(failure_of([] { make("core.EulerDiscreteScheduler", R"({"use_beta_sigmas": true})"); }, &message),
            BRICK_OK);
  EXPECT_NE(message.find("use_beta_sigmas"), std::string::npos) << message;
  std::shared_ptr<Object> s = with_timesteps("core.EulerDiscreteScheduler", "{}", 4);
  EXPECT_EQ(failure_of(
                [&] {
                  call(s, "step",
                       {{"model_output", tensor(kOutput)},
                        {"timestep", 999.0},
                        {"sample", tensor(kSample)},
                        {"s_churn", 1.0}});
                },
                &message),
            BRICK_ERR_UNSUPPORTED);
  EXPECT_NE(message.find("s_churn"), std::string::npos) << message;
  // The refused step left no state behind: the next step still looks its timestep up.
  EXPECT_EQ(failure_of([&] { step(s, 500.0); }, &message), BRICK_ERR_INVALID_ARGUMENT);
  EXPECT_NE(message.find("not in the schedule"), std::string::npos) << message;
  EXPECT_NE(failure_of([] { make("core.EulerDiscreteScheduler", R"({"beta_schedule": "cubic"})"); }), BRICK_OK);
  EXPECT_EQ(failure_of([&] { call(s, "no_such_method"); }), BRICK_ERR_UNKNOWN_METHOD);
}

// ---- DDIMScheduler -----------------------------------------------------------

TEST(DDIMScheduler, TimestepSpacings) {
  struct Case {
    std::string config;
    int64_t n;
    std::vector<double> timesteps;
  };
  const std::vector<Case> cases = {
      {"{}", 10, {900, 800, 700, 600, 500, 400, 300, 200, 100, 0}},         // leading, diffusers' default
      {R"({"timestep_spacing": "linspace"})", 5, {999, 749, 500, 250, 0}},  // rounded half to even
      {R"({"timestep_spacing": "trailing"})", 3, {999, 666, 332}},
      {R"({"steps_offset": 1})", 4, {751, 501, 251, 1}},
  };
  for (const Case& c : cases) {
    std::shared_ptr<Object> s = with_timesteps("core.DDIMScheduler", c.config, c.n);
    expect_tensor(call(s, "timesteps"), c.timesteps, 0, 0, c.config);
  }
  std::shared_ptr<Object> s = make("core.DDIMScheduler");
  EXPECT_EQ(failure_of([&] { call(s, "set_timesteps", {{"num_inference_steps", 1001}}); }), BRICK_ERR_INVALID_ARGUMENT);
}

TEST(DDIMScheduler, OneStepInEachParametrization) {
  struct Case {
    std::string config;
    std::vector<double> prev;
    std::vector<double> x0;
  };
  const std::vector<Case> cases = {
      // x0 leaves [-1, 1] and is clipped (clip_sample defaults to true).
      {"{}", {0.1387514040369676, 0.16102238251652623, -0.26094697803435746}, {1.0, -1.0, 1.0}},
      {R"({"clip_sample": false})", {2.2256260826715324, -4.996168150557891, 1.5896145283987393}, {}},
      {R"({"prediction_type": "v_prediction"})",
       {0.9975097198651036, -2.003977376567777, 0.506593054665425},
       {-0.08354737132644804, -0.23285120479109378, 0.3081790183502671}},
      {R"({"prediction_type": "sample"})",
       {1.0016207897973086, -1.9942824320949928, 0.4929711408364829},
       {0.1, 0.2, -0.3}},
  };
  for (const Case& c : cases) {
    std::shared_ptr<Object> s = with_timesteps("core.DDIMScheduler", c.config, 10);
    Value out = step(s, 900.0);
    expect_tensor(*out.find("prev_sample"), c.prev, kStepRel, kStepAbs, c.config + " prev");
    if (!c.x0.empty()) expect_tensor(*out.find("pred_original_sample"), c.x0, kStepRel, kStepAbs, c.config + " x0");
  }
}

TEST(DDIMScheduler, TheLastStepUsesSetAlphaToOne) {
  expect_tensor(*step(with_timesteps("core.DDIMScheduler", "{}", 10), 0.0).find("prev_sample"),
                {0.9990499537465624, -1.0, 0.503025151886407}, kStepRel, kStepAbs, "alpha one");
  expect_tensor(
      *step(with_timesteps("core.DDIMScheduler", R"({"set_alpha_to_one": false})", 10), 0.0).find("prev_sample"),
      {1.0, -0.9979499987499376, 0.49999999999999994}, kStepRel, kStepAbs, "first alpha");
}

TEST(DDIMScheduler, AddNoiseScaleInputAndRefusals) {
  std::shared_ptr<Object> s = with_timesteps("core.DDIMScheduler", "{}", 10);
  expect_tensor(call(s, "add_noise",
                     {{"original_samples", tensor(kSample)}, {"noise", tensor({0.5, 0.5, 0.5})}, {"timestep", 500.0}}),
                {0.7590776178948713, -0.07768395225830876, 0.6196173562026746}, kStepRel, kStepAbs, "add_noise");
  EXPECT_EQ(call(s, "init_noise_sigma").as_float(), 1.0);
  expect_tensor(call(s, "scale_model_input", {{"sample", tensor(kSample)}, {"timestep", 900.0}}), kSample, 0, 0);
  std::string message;
  EXPECT_EQ(
      failure_of(
          [&] {
            call(s, "step",
                 {{"model_output", tensor(kOutput)}, {"timestep", 900.0}, {"sample", tensor(kSample)}, {"eta", 0.5}});
          },
          &message),
      BRICK_ERR_UNSUPPORTED);
  EXPECT_NE(message.find("eta"), std::string::npos) << message;
  EXPECT_EQ(failure_of([] { step(make("core.DDIMScheduler"), 900.0); }, &message), BRICK_ERR_INVALID_ARGUMENT);
  EXPECT_NE(message.find("set_timesteps"), std::string::npos) << message;
}

TEST(DDIMScheduler, ThresholdingClampsToAPercentile) {
  // One sample: |x0| = |sample - sqrt(1 - a) * 0| / sqrt(a) with model_output 0 at t = 0 (a close to 1):
  // x0 = sample / sqrt(a_0); the 0.5 quantile of |x0| over [0.5, 3, 4] is 3 / sqrt(a_0) (> 1), so x0 / s.
  std::shared_ptr<Object> s = with_timesteps("core.DDIMScheduler",
                                             R"({"thresholding": true, "dynamic_thresholding_ratio": 0.5,
                                                 "sample_max_value": 10.0})",
                                             10);
  // One sample of three values: thresholding works per sample (dimension 0 is the batch).
  Value out =
      call(s, "step",
           {{"model_output", at::zeros({1, 3})}, {"timestep", 0.0}, {"sample", tensor({0.5, -3.0, 4.0}).view({1, 3})}});
  // x0 / s = sample / 3, clamped to [-1, 1].
  expect_tensor(*out.find("pred_original_sample"), {0.5 / 3.0, -1.0, 1.0}, kStepRel, kStepAbs, "thresholded");
}

TEST(DDIMScheduler, MadeFromAnEulerConfig) {
  // diffusers' DDIMScheduler.from_config(euler.config): shared keys carry
  // over, Euler-only keys stay in the config unused, DDIM's own keys take
  // their defaults.
  std::shared_ptr<Object> euler =
      make("core.EulerDiscreteScheduler", std::string(kSdEuler) +
                                              R"("timestep_spacing": "trailing", "prediction_type": "v_prediction",
                                            "use_karras_sigmas": false, "interpolation_type": "linear"})");
  std::shared_ptr<Object> ddim = make("core.DDIMScheduler", brick::host::to_json(euler->config()));
  Value config = ddim->config();
  EXPECT_EQ(config.find("_class_name")->as_string(), "DDIMScheduler");
  EXPECT_EQ(config.find("beta_schedule")->as_string(), "scaled_linear");
  EXPECT_EQ(config.find("beta_start")->as_float(), 0.00085);
  EXPECT_EQ(config.find("timestep_spacing")->as_string(), "trailing");
  EXPECT_EQ(config.find("prediction_type")->as_string(), "v_prediction");
  EXPECT_EQ(config.find("clip_sample")->as_bool(), true);
  EXPECT_EQ(config.find("set_alpha_to_one")->as_bool(), true);
  EXPECT_EQ(config.find("use_karras_sigmas")->as_bool(), false);
  EXPECT_EQ(config.find("interpolation_type")->as_string(), "linear");
  call(ddim, "set_timesteps", {{"num_inference_steps", 3}});
  expect_tensor(call(ddim, "timesteps"), {999, 666, 332}, 0, 0);
  EXPECT_EQ(call(ddim, "model_parametrization").as_string(), "v_prediction");
  // T // n = 333: 999 steps to 666.
  expect_tensor(*step(ddim, 999.0).find("prev_sample"), {0.9400412720765995, -1.9836130426717307, 0.5606098222420146},
                kStepRel, kStepAbs, "swap");
  // And back: an Euler made from the DDIM config keeps the shared keys.
  std::shared_ptr<Object> back = make("core.EulerDiscreteScheduler", brick::host::to_json(ddim->config()));
  EXPECT_EQ(back->config().find("timestep_spacing")->as_string(), "trailing");
  EXPECT_EQ(back->config().find("use_karras_sigmas")->as_bool(), false);
}

// ---- FlowMatchEulerDiscreteScheduler -------------------------------------------

TEST(FlowMatchEulerDiscreteScheduler, SchedulesWithShiftAndDynamicShifting) {
  struct Case {
    std::string config;
    Value::Dict args;
    std::vector<double> timesteps;
    std::vector<double> sigmas;
  };
  const std::vector<Case> cases = {
      {"{}", {{"num_inference_steps", 4}}, {1000.0, 667.0, 334.0, 1.0}, {1.0, 0.667, 0.334, 0.001, 0.0}},
      {R"({"shift": 3.0})",
       {{"num_inference_steps", 4}},
       {1000.0, 857.6923076923075, 602.1505376344084, 8.92857142857143},
       {1.0, 0.8576923076923075, 0.6021505376344084, 0.00892857142857143, 0.0}},
      {R"({"use_dynamic_shifting": true})",
       {{"num_inference_steps", 4}, {"mu", 0.8}},
       {1000.0, 816.7748208066346, 527.4352470134255, 2.2228167755574826},
       {1.0, 0.8167748208066345, 0.5274352470134255, 0.0022228167755574827, 0.0}},
  };
  for (const Case& c : cases) {
    std::shared_ptr<Object> s = make("core.FlowMatchEulerDiscreteScheduler", c.config);
    call(s, "set_timesteps", c.args);
    expect_tensor(call(s, "timesteps"), c.timesteps, 2e-6, 1e-4, c.config + " timesteps");
    expect_tensor(call(s, "sigmas"), c.sigmas, 2e-6, 1e-7, c.config + " sigmas");
  }
  std::string message;
  std::shared_ptr<Object> dynamic = make("core.FlowMatchEulerDiscreteScheduler", R"({"use_dynamic_shifting": true})");
  EXPECT_EQ(failure_of(
                [&] {
                  call(dynamic, "set_timesteps", {{"num_inference_steps", 4}});
                },
                &message),
            BRICK_ERR_INVALID_ARGUMENT);
  EXPECT_NE(message.find("`mu` must be passed"), std::string::npos) << message;
}

TEST(FlowMatchEulerDiscreteScheduler, StepScaleNoiseAndParametrization) {
  std::shared_ptr<Object> s = with_timesteps("core.FlowMatchEulerDiscreteScheduler", R"({"shift": 3.0})", 4);
  const std::vector<double> noised = {0.5711538461538462, 0.14423076923076883, 0.5};
  const double t1 = values_of(call(s, "timesteps").as_tensor())[1];
  Value::Dict args = {{"sample", tensor(kSample)}, {"noise", tensor({0.5, 0.5, 0.5})}, {"timestep", t1}};
  expect_tensor(call(s, "scale_noise", args), noised, kStepRel, kStepAbs, "scale_noise");
  args[0].first = "original_samples";
  expect_tensor(call(s, "add_noise", args), noised, kStepRel, kStepAbs, "add_noise");

  Value out = step(s, 1000.0);
  expect_tensor(*out.find("prev_sample"), {0.9857692307692307, -2.0284615384615385, 0.5426923076923077}, kStepRel,
                kStepAbs, "prev");
  expect_tensor(*out.find("pred_original_sample"), {0.9, -2.2, 0.8}, kStepRel, kStepAbs, "x0");
  EXPECT_EQ(call(s, "model_parametrization").as_string(), "flow");
  EXPECT_EQ(call(s, "init_noise_sigma").as_float(), 1.0);
  EXPECT_EQ(s->config().find("_class_name")->as_string(), "FlowMatchEulerDiscreteScheduler");
  EXPECT_EQ(s->config().find("shift")->as_float(), 3.0);
  EXPECT_NE(failure_of([] { make("core.FlowMatchEulerDiscreteScheduler", R"({"stochastic_sampling": true})"); }),
            BRICK_OK);
}

}  // namespace
}  // namespace core_test
