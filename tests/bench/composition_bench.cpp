// The cost of composition. Figures and ratios against baselines measured in
// the same process (never pass/fail):
//
//   build/bin/composition_bench [--benchmark_min_time=1]
//
// Loop: the seed document's loop (a wrapper running two `x += 1` loop
// blocks per step over one block state), per step:
//   Plain        the two increments as plain C++ calls on a host Value
//   HostBlocks   the same loop with the wrapper and blocks written against
//                libbrick (block state by name, no ABI)
//   PluginBlocks test_composition.LoopWrapper + 2 x LoopBlock: every step
//                crosses the ABI three times (loop_step, two loop_calls)
// Build: a five-block pipeline with an auto block and a loop, made by
//   Code         create_block calls and host composites in C++
//   File         parsing the same graph from a pipeline file and building it
#include <benchmark/benchmark.h>

#include <string>

#include "brick/host/blocks/loop_blocks.h"
#include "brick/host/loader/host.h"
#include "brick/host/pipeline/modular_pipeline.h"
#include "brick/host/pipeline/pipeline_file.h"
#include "brick/host/value/json.h"

using brick::host::BlockPtr;
using brick::host::BlockState;
using brick::host::Components;
using brick::host::Kwargs;
using brick::host::PipelineState;
using brick::host::Value;

namespace {

constexpr int64_t kSteps = 1000;

brick::host::Host& bench_host() {
  static brick::host::Host* host = [] {
    auto* h = new brick::host::Host();
    for (const char* name : {"test_blocks", "test_composition"}) {
      h->load_plugin(std::string(TEST_PLUGIN_DIR) + "/" + name + ".so");
    }
    return h;
  }();
  return *host;
}

__attribute__((noinline)) Value increment(const Value& x) { return Value(x.as_int() + 1); }

void BM_Loop_Plain(benchmark::State& bench) {
  for (auto _ : bench) {
    Value x(0);
    for (int64_t i = 0; i < kSteps; ++i) x = increment(increment(x));
    benchmark::DoNotOptimize(x);
  }
  bench.SetItemsProcessed(bench.iterations() * kSteps);
}

// The seed's LoopBlock and LoopWrapper, written against libbrick.
class HostLoopBlock : public brick::host::ModularPipelineBlocks {
 public:
  std::string class_name() const override { return "HostLoopBlock"; }
  std::vector<brick::host::InputParam> inputs() const override {
    brick::host::InputParam x;
    x.name = "x";
    return {x};
  }
  std::vector<brick::host::OutputParam> intermediate_outputs() const override {
    brick::host::OutputParam x;
    x.name = "x";
    return {x};
  }
  void operator()(Components&, PipelineState&) override {}
  void loop_call(Components&, BlockState& block_state, const Value&) override {
    block_state.set("x", Value(block_state.get("x")->as_int() + 1));
  }
  BlockPtr clone() const override { return std::make_unique<HostLoopBlock>(*this); }
};

class HostLoopWrapper : public brick::host::LoopSequentialPipelineBlocks {
 public:
  std::string class_name() const override { return "HostLoopWrapper"; }
  std::vector<brick::host::InputParam> loop_inputs() const override {
    brick::host::InputParam n;
    n.name = "num_steps";
    return {n};
  }
  void operator()(Components& components, PipelineState& state) override {
    BlockState block_state = get_block_state(state);
    int64_t steps = block_state.get("num_steps")->as_int();
    for (int64_t i = 0; i < steps; ++i) loop_step(components, block_state, Value::dict({{"i", Value(i)}}));
    set_block_state(state, block_state);
  }
  BlockPtr clone() const override { return std::make_unique<HostLoopWrapper>(*this); }
};

void run_loop(benchmark::State& bench, brick::host::ModularPipelineBlocks& loop) {
  auto pipe = loop.init_pipeline();
  Kwargs kwargs{{"num_steps", Value(kSteps)}, {"x", Value(0)}};
  for (auto _ : bench) benchmark::DoNotOptimize(pipe(kwargs));
  if (pipe(kwargs).get("x") != Value(2 * kSteps)) bench.SkipWithError("wrong result");
  bench.SetItemsProcessed(bench.iterations() * kSteps);
}

void BM_Loop_HostBlocks(benchmark::State& bench) {
  HostLoopWrapper loop;
  loop.sub_blocks().set("block1", std::make_unique<HostLoopBlock>());
  loop.sub_blocks().set("block2", std::make_unique<HostLoopBlock>());
  run_loop(bench, loop);
}

void BM_Loop_PluginBlocks(benchmark::State& bench) {
  BlockPtr loop = bench_host().create_block("test_composition.LoopWrapper");
  loop->sub_blocks().set("block1", bench_host().create_block("test_composition.LoopBlock"));
  loop->sub_blocks().set("block2", bench_host().create_block("test_composition.LoopBlock"));
  run_loop(bench, *loop);
}

const char* kFile = R"({
  "brick_pipeline": 1,
  "blocks": {"sequential": {
    "text": {"block": "test_composition.Step", "config": {"inputs": [{"name": "prompt"}], "trace": "text"}},
    "image": "test_composition.ImageAuto",
    "select": "test_composition.Select",
    "count": {"loop": "test_composition.LoopWrapper", "blocks": {"a": "test_composition.LoopBlock", "b": "test_composition.LoopBlock"}},
    "pass": "test_blocks.Scratch"}}
})";

void BM_Build_Code(benchmark::State& bench) {
  auto& host = bench_host();
  Value step_config = brick::host::parse_json(R"({"inputs": [{"name": "prompt"}], "trace": "text"})");
  for (auto _ : bench) {
    brick::host::NamedBlocks blocks;
    blocks.emplace_back("text", host.create_block("test_composition.Step", step_config));
    blocks.emplace_back("image", host.create_block("test_composition.ImageAuto"));
    blocks.emplace_back("select", host.create_block("test_composition.Select"));
    BlockPtr loop = host.create_block("test_composition.LoopWrapper");
    loop->sub_blocks().set("a", host.create_block("test_composition.LoopBlock"));
    loop->sub_blocks().set("b", host.create_block("test_composition.LoopBlock"));
    blocks.emplace_back("count", std::move(loop));
    blocks.emplace_back("pass", host.create_block("test_blocks.Scratch"));
    benchmark::DoNotOptimize(std::make_unique<brick::host::SequentialPipelineBlocks>(std::move(blocks)));
  }
}

void BM_Build_File(benchmark::State& bench) {
  auto& host = bench_host();
  for (auto _ : bench) {
    benchmark::DoNotOptimize(brick::host::PipelineFile::parse(kFile, "bench.json").build_blocks(host));
  }
}

}  // namespace

BENCHMARK(BM_Loop_Plain)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Loop_HostBlocks)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Loop_PluginBlocks)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Build_Code)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Build_File)->Unit(benchmark::kMicrosecond);
BENCHMARK_MAIN();
