// End-to-end denoising step time of the stable_diffusion_xl blocks
// (pipelines/sd15.json's text-to-image path after the text encoder: input,
// set timesteps, prepare latents, the denoise loop through the guider), on
// the CPU with random weights, beside the UNet's own forward in the same
// process (the baseline): step_over_unet is the loop's time per step over
// one batched CFG UNet forward (batch 2), so what is above 1.0 is what the
// blocks, the guider and the scheduler add per step.
//   BM_DenoiseStep/tiny: the diffusers fixtures' SD1 UNet (two levels) at 8x8 latents, 20 steps
//   BM_DenoiseStep/sd15: Stable Diffusion 1.5's UNet config at 64x64 latents (512x512), 1 step
// (docs/models.md, "End-to-end step time").
//
//   build/bin/sd_pipeline_bench [--threads N] [--benchmark_filter=...]   (LibTorch intra-op threads; default 1)
#include <ATen/Parallel.h>
#include <ATen/ops/cat.h>
#include <ATen/ops/randn.h>
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>

#include "brick/host/loader/host.h"
#include "brick/host/pipeline/modular_pipeline.h"
#include "brick/host/pipeline/pipeline_file.h"
#include "brick/host/value/json.h"

using namespace brick::host;

namespace {

Host& bench_host() {
  static Host* host = [] {
    auto* h = new Host();
    for (const char* name : {"core", "image", "diffusers", "stable_diffusion_xl"}) {
      h->load_plugin(std::string(PLUGIN_DIR) + "/" + name + ".so");
    }
    return h;
  }();
  return *host;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Case {
  std::string unet_config;  // JSON
  int64_t cross_attention_dim;
  int64_t height;  // pixels; latents are height / 8 (no vae: diffusers' default factor)
  int64_t steps;
};

Case case_named(const std::string& name) {
  if (name == "tiny") {
    return {read_text(std::string(DIFFUSERS_FIXTURES) + "/models/sd1_unet/config.json"), 8, 64, 20};
  }
  return {read_text(std::string(BENCH_CONFIGS) + "/sd15_unet.json"), 768, 512, 1};
}

void denoise_step(benchmark::State& state, const std::string& name) {
  const Case c = case_named(name);
  const std::string text = R"({"brick_pipeline": 1, "components": {
      "unet": {"type_hint": "diffusers.UNet2DConditionModel", "config": )" +
                           c.unet_config + R"(},
      "scheduler": {"config": {"beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012,
                               "steps_offset": 1, "timestep_spacing": "leading"}},
      "guider": {"config": {"guidance_scale": 7.5}}},
    "blocks": {"sequential": {
      "input": "core.InputStep",
      "set_timesteps": "stable_diffusion_xl.StableDiffusionXLSetTimestepsStep",
      "prepare_latents": "stable_diffusion_xl.StableDiffusionXLPrepareLatentsStep",
      "denoise": "stable_diffusion_xl.StableDiffusionXLDenoiseStep"}}})";
  ModularPipeline pipe = PipelineFile::parse(text, name).init_pipeline(bench_host());
  const at::Tensor embeds = at::randn({1, 77, c.cross_attention_dim});
  Kwargs inputs = {{"prompt_embeds", Value(embeds)},
                   {"negative_prompt_embeds", Value(at::randn({1, 77, c.cross_attention_dim}))},
                   {"num_inference_steps", Value(c.steps)},
                   {"height", Value(c.height)},
                   {"width", Value(c.height)},
                   {"generator", Value(int64_t{0})}};

  // The baseline: one UNet forward as the loop makes it (CFG: batch 2).
  std::shared_ptr<Object> unet = pipe.component("unet").as_object();
  const int64_t latent = c.height / 8;
  Value args = Value::dict({{"sample", Value(at::randn({2, 4, latent, latent}))},
                            {"timestep", Value(999.0)},
                            {"encoder_hidden_states", Value(at::cat({embeds, embeds}))}});
  unet->call("forward", args);  // random weights made here; warm-up
  double unet_seconds = 1e300;
  for (int i = 0; i < (name == "tiny" ? 20 : 1); ++i) {
    auto start = std::chrono::steady_clock::now();
    unet->call("forward", args);
    unet_seconds =
        std::min(unet_seconds, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  pipe.output(inputs, "latents");  // warm-up
  double total = 0;
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(pipe.output(inputs, "latents"));
    total += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  const double per_step = total / static_cast<double>(state.iterations() * c.steps);
  state.counters["step_ms"] = per_step * 1e3;
  state.counters["unet_ms"] = unet_seconds * 1e3;
  state.counters["step_over_unet"] = per_step / unet_seconds;
  state.counters["threads"] = at::get_num_threads();
}

void BM_DenoiseStepTiny(benchmark::State& state) { denoise_step(state, "tiny"); }
BENCHMARK(BM_DenoiseStepTiny)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(10);
void BM_DenoiseStepSD15(benchmark::State& state) { denoise_step(state, "sd15"); }
BENCHMARK(BM_DenoiseStepSD15)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace

int main(int argc, char** argv) {
  int threads = 1;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--threads") == 0) {
      threads = std::atoi(argv[i + 1]);
      for (int j = i; j + 2 <= argc; ++j) argv[j] = argv[j + 2];
      argc -= 2;
      break;
    }
  }
  at::set_num_threads(threads);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
