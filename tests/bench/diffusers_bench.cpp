// The diffusers plugin's figures, through the real loader and the ABI as
// core.LoopDenoiser calls the UNet:
//   - BM_UNetStep/<config>/<batch>: one UNet2DConditionModel forward with
//     random weights (FLOPs are what matter) at 64x64 latents on the CPU,
//     float32, for Stable Diffusion 1.5's UNet config and SDXL's
//     (tests/bench/configs/*.json, as the checkpoints' unet/config.json
//     have them); the encoder states are 77 tokens (768 wide for SD 1.5,
//     2048 plus text_embeds and time_ids for SDXL).
// diffusers' own time for the same step comes from
// tests/bench/unet_step_vs_diffusers.py, which runs both in turns and prints
// the ratio (docs/plugins/diffusers.md, docs/models.md).
//
//   build/bin/diffusers_bench [--threads N] [--benchmark_filter=...]   (LibTorch intra-op threads; default 1)
#include <ATen/Parallel.h>
#include <ATen/ops/randn.h>
#include <ATen/ops/tensor.h>
#include <benchmark/benchmark.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "brick/host/components/component_types.h"
#include "brick/host/loader/host.h"
#include "brick/host/value/json.h"

using namespace brick::host;

namespace {

Host& bench_host() {
  static Host* host = [] {
    auto* h = new Host();
    h->load_plugin(DIFFUSERS_PLUGIN);
    return h;
  }();
  return *host;
}

Value read_config(const std::string& name) {
  std::ifstream in(std::string(BENCH_CONFIGS) + "/" + name + "_unet.json", std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return parse_json(text.str());
}

void unet_step(benchmark::State& state, const std::string& name) {
  ComponentSpec spec;
  spec.name = "unet";
  spec.type_hint = "diffusers.UNet2DConditionModel";
  spec.default_creation_method = CreationMethod::FromConfig;
  std::shared_ptr<Object> unet = bench_host().component_types()->create(spec, read_config(name));
  const int64_t batch = state.range(0);
  const bool xl = name == "sdxl";
  Value::Dict args{{"sample", Value(at::randn({batch, 4, 64, 64}))},
                   {"timestep", Value(999.0)},
                   {"encoder_hidden_states", Value(at::randn({batch, 77, xl ? 2048 : 768}))}};
  if (xl) {
    at::Tensor time_ids = at::tensor({1024.0f, 1024.0f, 0.0f, 0.0f, 1024.0f, 1024.0f}).expand({batch, 6}).contiguous();
    args.emplace_back("added_cond_kwargs",
                      Value::dict({{"text_embeds", Value(at::randn({batch, 1280}))}, {"time_ids", Value(time_ids)}}));
  }
  Value call_args = Value::dict(std::move(args));
  unet->call("forward", call_args);  // the random weights are made here, and the warm-up
  for (auto _ : state) benchmark::DoNotOptimize(unet->call("forward", call_args));
  state.SetItemsProcessed(state.iterations() * batch);
  state.counters["threads"] = at::get_num_threads();
}

void BM_UNetStepSD15(benchmark::State& state) { unet_step(state, "sd15"); }
BENCHMARK(BM_UNetStepSD15)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
void BM_UNetStepSDXL(benchmark::State& state) { unet_step(state, "sdxl"); }
BENCHMARK(BM_UNetStepSDXL)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

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
