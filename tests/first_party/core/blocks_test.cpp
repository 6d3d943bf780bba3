// The core blocks through the real loader, with the fake models of
// test_core_models: each block alone, the denoising loop checked against the
// same steps computed here by hand, and the blocks composed into a
// text-to-image sequence.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>
#include <ATen/TensorOperators.h>
#include <ATen/ops/allclose.h>
#include <ATen/ops/arange.h>
#include <ATen/ops/equal.h>
#include <ATen/ops/randn.h>
#include <ATen/ops/repeat_interleave.h>
#include <ATen/ops/zeros.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "brick/host/base/error.h"
#include "brick/host/base/progress.h"
#include "brick/host/blocks/sequential_blocks.h"
#include "core_test_support.h"

namespace core_test {
namespace {

using brick::host::ModularPipeline;
using brick::host::Object;

std::shared_ptr<Object> scheduler(const std::string& type = "core.EulerDiscreteScheduler",
                                  const std::string& config = "{}") {
  return make(type, config);
}
std::shared_ptr<Object> fake_unet() {
  return make("test_core_models.FakeUnet", R"({"in_channels": 3, "sample_size": 8})");
}
std::shared_ptr<Object> fake_vae() {
  return make("test_core_models.FakeVae", R"({"scaling_factor": 0.5, "downsample_factor": 2})");
}

at::Tensor reference_randn(std::vector<int64_t> shape, int64_t seed) {
  at::Generator generator = at::detail::createCPUGenerator(static_cast<uint64_t>(seed));
  return at::randn(shape, generator);
}

TEST(InputStep, BatchSizeAndEmbeddingsPerImage) {
  ModularPipeline pipe = pipeline("core.InputStep");
  at::Tensor embeds = at::arange(8, at::TensorOptions().dtype(at::kFloat)).view({2, 4});
  auto state =
      pipe({{"prompt_embeds", embeds}, {"negative_prompt_embeds", embeds * 0.0}, {"num_images_per_prompt", 3}});
  EXPECT_EQ(state.get("batch_size").as_int(), 2);
  EXPECT_EQ(state.get("dtype").as_string(), "float32");
  at::Tensor repeated = state.get("prompt_embeds").as_tensor();
  EXPECT_TRUE(at::equal(repeated, at::repeat_interleave(embeds, 3, 0)));  // prompt 0 three times, then prompt 1
  EXPECT_EQ(state.get("negative_prompt_embeds").as_tensor().size(0), 6);
  // Without a negative embedding there is none afterwards either.
  auto plain = pipe({{"prompt_embeds", embeds}});
  EXPECT_TRUE(plain.get("negative_prompt_embeds").is_none());
  EXPECT_TRUE(at::equal(plain.get("prompt_embeds").as_tensor(), embeds));
  EXPECT_THROW(pipe({{"prompt_embeds", embeds}, {"negative_prompt_embeds", at::zeros({2, 3})}}), brick::host::Error);
}

TEST(SetTimestepsStep, AsksTheSchedulerAndReturnsItsTimesteps) {
  ModularPipeline pipe = pipeline("core.SetTimestepsStep");
  EXPECT_EQ(pipe.get_component_spec("scheduler").type_hint, "core.EulerDiscreteScheduler");
  EXPECT_TRUE(pipe.component("scheduler").is_none());  // from_pretrained: loaded, or set, by the user
  std::shared_ptr<Object> s = scheduler();
  pipe.components().set("scheduler", Value(s));
  auto state = pipe({{"num_inference_steps", 4}});
  expect_tensor(state.get("timesteps"), {999, 666, 333, 0}, 0, 0);
  EXPECT_EQ(state.get("num_inference_steps").as_int(), 4);
  EXPECT_EQ(call(s, "num_inference_steps").as_int(), 4);
  // mu reaches a dynamically shifted flow-matching scheduler.
  pipe.components().set("scheduler",
                        Value(scheduler("core.FlowMatchEulerDiscreteScheduler", R"({"use_dynamic_shifting": true})")));
  expect_tensor(pipe({{"num_inference_steps", 4}, {"mu", 0.8}}).get("timesteps"),
                {1000.0, 816.7748208066346, 527.4352470134255, 2.2228167755574826}, 2e-6, 1e-4);
}

TEST(Img2ImgSetTimestepsStep, KeepsTheStrengthShareAndSetsTheBeginIndex) {
  ModularPipeline pipe = pipeline("core.Img2ImgSetTimestepsStep");
  std::shared_ptr<Object> s = scheduler();
  pipe.components().set("scheduler", Value(s));
  // 10 steps over 999..0 (linspace): strength 0.3 keeps int(10 * 0.3) = 3 of them.
  auto state = pipe({{"num_inference_steps", 10}, {"strength", 0.3}, {"batch_size", 1}});
  expect_tensor(state.get("timesteps"), {222, 111, 0}, 0, 0);
  EXPECT_EQ(state.get("num_inference_steps").as_int(), 3);
  EXPECT_EQ(state.get("latent_timestep").as_float(), 222.0);
  EXPECT_EQ(call(s, "begin_index").as_int(), 7);
  // int(50 * 0.3) = 15 of 50.
  state = pipe({{"num_inference_steps", 50}, {"batch_size", 1}});
  EXPECT_EQ(state.get("num_inference_steps").as_int(), 15);
  EXPECT_EQ(call(s, "begin_index").as_int(), 35);
  EXPECT_THROW(pipe({{"num_inference_steps", 10}, {"strength", 0.05}, {"batch_size", 1}}), brick::host::Error);
  EXPECT_THROW(pipe({{"num_inference_steps", 10}, {"strength", 1.5}, {"batch_size", 1}}), brick::host::Error);
}

TEST(PrepareLatentsStep, SeededLatentsOfTheModelsShape) {
  ModularPipeline pipe = pipeline("core.PrepareLatentsStep");
  std::shared_ptr<Object> s = scheduler();
  call(s, "set_timesteps", {{"num_inference_steps", 4}});
  const double init_noise_sigma = call(s, "init_noise_sigma").as_float();
  pipe.components().set("scheduler", Value(s));
  pipe.components().set("unet", Value(fake_unet()));
  pipe.components().set("vae", Value(fake_vae()));

  // Default size: sample_size 8 * downsample 2 = 16 pixels, 8 latent rows.
  at::Tensor latents = pipe({{"batch_size", 2}, {"seed", 7}}).get("latents").as_tensor();
  EXPECT_EQ(latents.sizes(), (std::vector<int64_t>{2, 3, 8, 8}));
  EXPECT_TRUE(at::allclose(latents, reference_randn({2, 3, 8, 8}, 7) * init_noise_sigma));
  EXPECT_TRUE(at::equal(latents, pipe({{"batch_size", 2}, {"seed", 7}}).get("latents").as_tensor()));
  EXPECT_FALSE(at::equal(latents, pipe({{"batch_size", 2}, {"seed", 8}}).get("latents").as_tensor()));

  at::Tensor sized =
      pipe({{"batch_size", 1}, {"num_images_per_prompt", 2}, {"height", 12}, {"width", 4}}).get("latents").as_tensor();
  EXPECT_EQ(sized.sizes(), (std::vector<int64_t>{2, 3, 6, 2}));
  EXPECT_THROW(pipe({{"batch_size", 1}, {"height", 7}, {"width", 8}}), brick::host::Error);

  // Given latents are used as they are.
  at::Tensor given = at::ones({1, 3, 2, 2});
  EXPECT_TRUE(at::equal(pipe({{"batch_size", 1}, {"latents", given}}).get("latents").as_tensor(), given));

  // DDIM starts from unit noise.
  pipe.components().set("scheduler", Value(scheduler("core.DDIMScheduler")));
  EXPECT_TRUE(
      at::equal(pipe({{"batch_size", 2}, {"seed", 7}}).get("latents").as_tensor(), reference_randn({2, 3, 8, 8}, 7)));
}

// The loop's arithmetic done here step by step: Euler over linspace(3)
// (sigmas from the formulas, scheduler_test.cpp), FakeUnet's forward, CFG.
at::Tensor denoise_by_hand(at::Tensor x, const at::Tensor& embeds, const at::Tensor& negative, double scale) {
  const std::vector<double> timesteps = {999, 499.5, 0};
  const std::vector<double> sigmas = {157.40728081040757, 3.433551865784932, 0.010000500037502575, 0.0};
  auto unet = [](const at::Tensor& sample, const at::Tensor& e, double t) {
    return sample * 0.1 + e.sum(1).view({-1, 1, 1, 1}) * 0.01 + t * 1e-4;
  };
  for (size_t i = 0; i < timesteps.size(); ++i) {
    const double sigma = sigmas[i];
    at::Tensor input = x / std::sqrt(sigma * sigma + 1.0);
    at::Tensor cond = unet(input, embeds, timesteps[i]);
    at::Tensor pred = cond;
    if (scale != 1.0) {
      at::Tensor uncond = unet(input, negative, timesteps[i]);
      pred = uncond + (cond - uncond) * scale;
    }
    at::Tensor x0 = x - pred * sigma;
    x = x + (x - x0) / sigma * (sigmas[i + 1] - sigma);
  }
  return x;
}

struct LoopRun {
  ModularPipeline pipe;
  std::shared_ptr<Object> unet;
};

LoopRun denoise_pipeline(const std::string& scheduler_config = "{}") {
  LoopRun run{pipeline("core.DenoiseLoop"), fake_unet()};
  run.pipe.components().set("scheduler", Value(scheduler("core.EulerDiscreteScheduler", scheduler_config)));
  run.pipe.components().set("unet", Value(run.unet));
  return run;
}

TEST(DenoiseLoop, MatchesTheStepsComputedByHand) {
  LoopRun run = denoise_pipeline();
  std::vector<std::string> names = run.pipe.component_names();
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"guider", "scheduler", "unet"}));
  EXPECT_TRUE(run.pipe.component("guider").is_object());  // from_config {"guidance_scale": 7.5}
  std::shared_ptr<Object> s = run.pipe.component("scheduler").as_object();
  call(s, "set_timesteps", {{"num_inference_steps", 3}});

  at::Tensor latents = reference_randn({2, 3, 2, 2}, 1) * 157.40728081040757;
  at::Tensor embeds = at::arange(8, at::TensorOptions().dtype(at::kFloat)).view({2, 4}) * 0.1;
  at::Tensor negative = at::zeros({2, 4});
  std::vector<std::pair<int64_t, int64_t>> progress;
  brick::host::ProgressSink previous = brick::host::set_progress_sink(
      [&progress](const brick::host::ProgressRecord& r) { progress.emplace_back(r.done, r.total); });
  auto state = run.pipe({{"timesteps", call(s, "timesteps")},
                         {"num_inference_steps", 3},
                         {"latents", latents},
                         {"prompt_embeds", embeds},
                         {"negative_prompt_embeds", negative}});
  brick::host::set_progress_sink(std::move(previous));

  at::Tensor expected = denoise_by_hand(latents, embeds, negative, 7.5);
  at::Tensor result = state.get("latents").as_tensor();
  EXPECT_TRUE(at::allclose(result, expected, 1e-4, 1e-5)) << result << "\n" << expected;
  EXPECT_EQ(progress, (std::vector<std::pair<int64_t, int64_t>>{{1, 3}, {2, 3}, {3, 3}}));
  // One batched call per step on [uncond, cond], in the scheduler's parametrization.
  Value calls = call(run.unet, "calls");
  EXPECT_EQ(calls.find("batch_sizes")->repr(), "[4, 4, 4]");
  EXPECT_EQ(calls.find("prediction_types")->repr(), "['epsilon', 'epsilon', 'epsilon']");
  // The loop's scratch values stay inside the loop.
  EXPECT_FALSE(state.contains("noise_pred"));
  EXPECT_FALSE(state.contains("latent_model_input"));
}

TEST(DenoiseLoop, GuidanceScaleOneRunsTheConditionalBatchOnly) {
  LoopRun run = denoise_pipeline(R"({"prediction_type": "v_prediction"})");
  std::shared_ptr<Object> s = run.pipe.component("scheduler").as_object();
  call(s, "set_timesteps", {{"num_inference_steps", 3}});
  at::Tensor latents = reference_randn({1, 3, 2, 2}, 2);
  at::Tensor embeds = at::ones({1, 4});
  auto state = run.pipe({{"timesteps", call(s, "timesteps")},
                         {"num_inference_steps", 3},
                         {"latents", latents},
                         {"prompt_embeds", embeds},
                         {"guidance_scale", 1.0}});
  EXPECT_TRUE(state.get("latents").is_tensor());
  Value calls = call(run.unet, "calls");
  EXPECT_EQ(calls.find("batch_sizes")->repr(), "[1, 1, 1]");
  EXPECT_EQ(calls.find("prediction_types")->repr(), "['v_prediction', 'v_prediction', 'v_prediction']");
  // Guidance without a negative embedding is refused, naming it.
  try {
    run.pipe({{"timesteps", call(s, "timesteps")},
              {"num_inference_steps", 3},
              {"latents", latents},
              {"prompt_embeds", embeds}});
    FAIL();
  } catch (const brick::host::Error& e) {
    EXPECT_NE(std::string(e.what()).find("negative_prompt_embeds"), std::string::npos) << e.what();
  }
}

TEST(DenoiseLoop, InterfaceMergesItsLoopBlocks) {
  auto loop = core_host().create_block("core.DenoiseLoop");
  EXPECT_EQ(loop->sub_blocks().names(), (std::vector<std::string>{"before_denoiser", "denoiser", "after_denoiser"}));
  EXPECT_EQ(loop->input_names(),
            (std::vector<std::string>{"timesteps", "num_inference_steps", "latents", "guidance_scale", "prompt_embeds",
                                      "negative_prompt_embeds"}));
  EXPECT_EQ(loop->intermediate_output_names(), std::vector<std::string>{"latents"});
  EXPECT_NE(loop->doc().find("iteratively denoise the latents"), std::string::npos) << loop->doc();
}

TEST(DecodeStep, DecodesAndMapsToTheUnitRange) {
  ModularPipeline pipe = pipeline("core.DecodeStep");
  pipe.components().set("vae", Value(fake_vae()));
  at::Tensor latents = tensor({-3.0, -0.5, 0.0, 0.5, 1.5, 0.25, -1.0, 2.0, 0.1, -0.1, 0.75, -0.75}).view({1, 3, 2, 2});
  at::Tensor images = pipe({{"latents", latents}}).get("images").as_tensor();
  EXPECT_EQ(images.sizes(), (std::vector<int64_t>{1, 3, 4, 4}));
  // decode(latents / 0.5) = 0.5 * upsample(2 * latents) = upsample(latents).
  at::Tensor up = at::repeat_interleave(at::repeat_interleave(latents, 2, 2), 2, 3);
  EXPECT_TRUE(at::allclose(images, (up / 2.0 + 0.5).clamp(0.0, 1.0)));
  EXPECT_EQ(images.min().item<double>(), 0.0);
  EXPECT_EQ(images.max().item<double>(), 1.0);
}

TEST(CoreBlocks, ComposeIntoATextToImageSequence) {
  brick::host::NamedBlocks blocks;
  for (const char* name : {"InputStep", "SetTimestepsStep", "PrepareLatentsStep", "DenoiseLoop", "DecodeStep"}) {
    blocks.emplace_back(name, core_host().create_block(std::string("core.") + name));
  }
  brick::host::PipelineOptions options;
  options.component_types = core_host().component_types();
  options.strict_specs = true;  // every block declares the same specs
  ModularPipeline pipe(std::make_unique<brick::host::SequentialPipelineBlocks>(std::move(blocks)), options);
  pipe.components().set("scheduler", Value(scheduler()));
  pipe.components().set("unet", Value(fake_unet()));
  pipe.components().set("vae", Value(fake_vae()));
  at::Tensor embeds = at::ones({1, 4});
  Value images = pipe.output({{"prompt_embeds", embeds},
                              {"negative_prompt_embeds", at::zeros({1, 4})},
                              {"num_inference_steps", 3},
                              {"seed", 3}},
                             "images");
  ASSERT_TRUE(images.is_tensor());
  EXPECT_EQ(images.as_tensor().sizes(), (std::vector<int64_t>{1, 3, 16, 16}));
  EXPECT_GE(images.as_tensor().min().item<double>(), 0.0);
  EXPECT_LE(images.as_tensor().max().item<double>(), 1.0);
}

TEST(CudaDevice, SameSeedSameLatentsAndTheSameLoopOnTheGpu) {
  if (!at::hasCUDA()) GTEST_SKIP() << "no CUDA device";
  const brick_device cuda{2, 0};
  ModularPipeline prepare = pipeline("core.PrepareLatentsStep");
  prepare.components().set("scheduler", Value(scheduler()));
  prepare.components().set("unet", Value(fake_unet()));
  prepare.components().set("vae", Value(fake_vae()));
  call(prepare.component("scheduler").as_object(), "set_timesteps", {{"num_inference_steps", 3}});
  at::Tensor on_cpu = prepare({{"batch_size", 1}, {"seed", 5}}).get("latents").as_tensor();
  prepare.components().set_device(cuda);
  at::Tensor on_gpu = prepare({{"batch_size", 1}, {"seed", 5}}).get("latents").as_tensor();
  EXPECT_TRUE(on_gpu.is_cuda());
  EXPECT_TRUE(at::equal(on_cpu, on_gpu.cpu()));

  auto run_loop = [&](bool gpu) {
    LoopRun run = denoise_pipeline();
    if (gpu) run.pipe.components().set_device(cuda);
    std::shared_ptr<Object> s = run.pipe.component("scheduler").as_object();
    call(s, "set_timesteps", {{"num_inference_steps", 3}});
    at::Device device = gpu ? at::Device(at::kCUDA, 0) : at::Device(at::kCPU);
    return run
        .pipe({{"timesteps", call(s, "timesteps")},
               {"num_inference_steps", 3},
               {"latents", on_cpu.to(device)},
               {"prompt_embeds", at::ones({1, 4}).to(device)},
               {"negative_prompt_embeds", at::zeros({1, 4}).to(device)}})
        .get("latents")
        .as_tensor();
  };
  at::Tensor gpu_result = run_loop(true);
  EXPECT_TRUE(gpu_result.is_cuda());
  EXPECT_TRUE(at::allclose(gpu_result.cpu(), run_loop(false), 1e-4, 1e-5));
}

}  // namespace
}  // namespace core_test
