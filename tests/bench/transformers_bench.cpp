// The transformers plugin's figures, through the real loader and the ABI as
// a pipeline calls it:
//   - CLIPTokenizer throughput on the test corpus (231 prompts, padded and
//     truncated to 77 as Stable Diffusion's pipelines ask): with the BPE
//     cache warm (steady state) and a fresh tokenizer's first pass (cold);
//     items/s is prompts/s.
//   - CLIPTextModel forward for Stable Diffusion 1.5's text encoder config
//     (12 layers, width 768, quick_gelu; random weights: FLOPs are what
//     matter), 77 tokens, batch 1 and 2, on the CPU, with each attention
//     path this LibTorch has.
// The pure-PyTorch reference's time for the same forward comes from
// tests/bench/clip_text_reference_bench.py; docs/plugins/transformers.md has
// both and the commands.
//
//   build/bin/transformers_bench [--threads N]   (LibTorch intra-op threads; default 1)
#include <ATen/Parallel.h>
#include <ATen/ops/randint.h>
#include <benchmark/benchmark.h>
#include <torch/version.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "brick/host/components/component_types.h"
#include "brick/host/loader/host.h"
#include "brick/host/value/json.h"

namespace fs = std::filesystem;
using namespace brick::host;

namespace {

Host& bench_host() {
  static Host* host = [] {
    auto* h = new Host();
    h->load_plugin(TRANSFORMERS_PLUGIN);
    return h;
  }();
  return *host;
}

std::shared_ptr<Object> load_tokenizer() {
  ComponentSpec spec;
  spec.name = "tokenizer";
  spec.type_hint = "transformers.CLIPTokenizer";
  spec.pretrained_model_name_or_path = std::string(TRANSFORMERS_FIXTURES) + "/clip_tokenizer";
  return bench_host().component_types()->load(spec);
}

Value corpus_call() {
  std::ifstream in(std::string(TRANSFORMERS_FIXTURES) + "/tokenizer_corpus.json", std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  Value document = parse_json(text.str());
  Value::List prompts;
  for (const Value& entry : document.find("prompts")->as_list()) prompts.push_back(*entry.find("text"));
  return Value::dict(
      {{"text", Value::list(std::move(prompts))}, {"padding", "max_length"}, {"max_length", 77}, {"truncation", true}});
}

void BM_CLIPTokenizerWarm(benchmark::State& state) {
  std::shared_ptr<Object> tokenizer = load_tokenizer();
  Value args = corpus_call();
  tokenizer->call("__call__", args);
  for (auto _ : state) benchmark::DoNotOptimize(tokenizer->call("__call__", args));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(args.find("text")->as_list().size()));
}
BENCHMARK(BM_CLIPTokenizerWarm)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_CLIPTokenizerCold(benchmark::State& state) {
  Value args = corpus_call();
  for (auto _ : state) {
    state.PauseTiming();
    std::shared_ptr<Object> tokenizer = load_tokenizer();
    state.ResumeTiming();
    benchmark::DoNotOptimize(tokenizer->call("__call__", args));
    state.PauseTiming();
    tokenizer.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(args.find("text")->as_list().size()));
}
BENCHMARK(BM_CLIPTokenizerCold)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

// openai/clip-vit-large-patch14's text config, as stable-diffusion-v1-5's text_encoder/config.json has it.
Value sd15_text_encoder_config(const char* attention) {
  return Value::dict({{"vocab_size", 49408},
                      {"hidden_size", 768},
                      {"intermediate_size", 3072},
                      {"projection_dim", 768},
                      {"num_hidden_layers", 12},
                      {"num_attention_heads", 12},
                      {"max_position_embeddings", 77},
                      {"hidden_act", "quick_gelu"},
                      {"layer_norm_eps", 1e-5},
                      {"bos_token_id", 0},
                      {"eos_token_id", 2},
                      {"pad_token_id", 1},
                      {"_attn_implementation", attention}});
}

void text_model_forward(benchmark::State& state, const char* attention) {
  ComponentSpec spec;
  spec.name = "text_encoder";
  spec.type_hint = "transformers.CLIPTextModel";
  spec.default_creation_method = CreationMethod::FromConfig;
  std::shared_ptr<Object> model = bench_host().component_types()->create(spec, sd15_text_encoder_config(attention));
  at::Tensor ids = at::randint(0, 49406, {state.range(0), 77}, at::TensorOptions().dtype(at::kLong));
  Value args = Value::dict({{"input_ids", ids}});
  model->call("forward", args);  // the random weights are made here
  for (auto _ : state) benchmark::DoNotOptimize(model->call("forward", args));
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["threads"] = at::get_num_threads();
}

void BM_CLIPTextModelEager(benchmark::State& state) { text_model_forward(state, "eager"); }
BENCHMARK(BM_CLIPTextModelEager)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
#if TORCH_VERSION_MAJOR >= 2
void BM_CLIPTextModelSdpa(benchmark::State& state) { text_model_forward(state, "sdpa"); }
BENCHMARK(BM_CLIPTextModelSdpa)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
#endif

}  // namespace

int main(int argc, char** argv) {
  int threads = 1;
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      threads = std::atoi(argv[++i]);
    } else {
      rest.push_back(argv[i]);
    }
  }
  at::set_num_threads(threads);
  int count = static_cast<int>(rest.size());
  benchmark::Initialize(&count, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
