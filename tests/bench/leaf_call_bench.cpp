// The cost of running one leaf block through the C ABI: read two tensors and
// a scalar, write one tensor. Compared, in the same process, with the same
// work as a plain C++ function, and with the same block written against
// libbrick directly (state exchange without the ABI).
//
//   build/bin/leaf_call_bench [--benchmark_min_time=1]
//
// Two kinds of work: PassThrough (out = a: no arithmetic, so the figure is
// the overhead itself) and Add (out = a + alpha * b on 4 floats, one ATen
// op). Each through native tensor exchange and through DLPack.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "brick/host/blocks/block_state_exchange.h"
#include "brick/host/loader/host.h"
#include "brick/host/pipeline/modular_pipeline.h"

using brick::host::Components;
using brick::host::PipelineState;
using brick::host::Value;

namespace {

brick::host::Host& bench_host() {
  static brick::host::Host* host = [] {
    auto* h = new brick::host::Host();
    h->load_plugin(std::string(TEST_PLUGIN_DIR) + "/test_blocks.so");
    h->load_plugin(std::string(TEST_PLUGIN_DIR) + "/test_blocks_dlpack.so");
    return h;
  }();
  return *host;
}

PipelineState make_state() {
  PipelineState state;
  state.set("a", at::ones({4}));
  state.set("b", at::ones({4}));
  state.set("alpha", 0.5);
  return state;
}

// --- the baselines: plain functions in this binary ---------------------------

__attribute__((noinline)) at::Tensor pass_through(const at::Tensor& a, const at::Tensor& b, double alpha) {
  return alpha > 0 ? a : b;
}

__attribute__((noinline)) at::Tensor add(const at::Tensor& a, const at::Tensor& b, double alpha) {
  return a + b * alpha;
}

// Reads its inputs from the state and writes its output, as a block does.
template <at::Tensor (*Work)(const at::Tensor&, const at::Tensor&, double)>
void BM_Plain(benchmark::State& bench) {
  PipelineState state = make_state();
  for (auto _ : bench) {
    at::Tensor out = Work(state.find("a")->as_tensor(), state.find("b")->as_tensor(), state.find("alpha")->as_float());
    state.set("out", Value(out));
  }
}

// --- the same work as a block written against libbrick (no ABI) -------------

template <at::Tensor (*Work)(const at::Tensor&, const at::Tensor&, double)>
class HostLeaf : public brick::host::ModularPipelineBlocks {
 public:
  std::string class_name() const override { return "HostLeaf"; }
  std::vector<brick::host::InputParam> inputs() const override { return inputs_; }
  std::vector<brick::host::OutputParam> intermediate_outputs() const override { return outputs_; }
  void operator()(Components&, PipelineState& state) override {
    brick::host::BlockState bs = brick::host::get_block_state(leaf_, state);
    bs.set("out", Value(Work(bs.get("a")->as_tensor(), bs.get("b")->as_tensor(), bs.get("alpha")->as_float())));
    brick::host::set_block_state(leaf_, state, bs);
  }
  std::unique_ptr<ModularPipelineBlocks> clone() const override { return std::make_unique<HostLeaf>(); }

 private:
  static brick::host::InputParam input(const char* name, Value dflt = {}) {
    brick::host::InputParam p;
    p.name = name;
    p.default_value = std::move(dflt);
    return p;
  }
  std::vector<brick::host::InputParam> inputs_{input("a"), input("b"), input("alpha", 1.0)};
  std::vector<brick::host::OutputParam> outputs_{brick::host::OutputParam{"out", "Tensor", "", "", {}}};
  brick::host::LeafInterface leaf_{inputs_, {}, outputs_};
};

template <at::Tensor (*Work)(const at::Tensor&, const at::Tensor&, double)>
void BM_HostLeaf(benchmark::State& bench) {
  HostLeaf<Work> block;
  Components components;
  PipelineState state = make_state();
  for (auto _ : bench) block(components, state);
}

// --- through the C ABI: a plugin block ---------------------------------------

void BM_Abi(benchmark::State& bench, const char* block_name) {
  auto block = bench_host().create_block(block_name);
  Components components;
  PipelineState state = make_state();
  for (auto _ : bench) (*block)(components, state);
}

// Prints each run's time against its baseline once all have run.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.run_type == Run::RT_Iteration) times_[run.benchmark_name()] = run.GetAdjustedRealTime();
    }
    ConsoleReporter::ReportRuns(runs);
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\n%-28s %12s %12s %10s\n", "work / path", "time (ns)", "baseline", "ratio");
    for (const char* work : {"PassThrough", "Add"}) {
      double baseline = times_["Plain/" + std::string(work)];
      for (const char* path : {"Plain", "HostLeaf", "AbiNative", "AbiDLPack"}) {
        std::string name = std::string(path) + "/" + work;
        if (!times_.count(name)) continue;
        std::printf("%-28s %12.1f %12.1f %9.2fx  (+%.0f ns)\n", name.c_str(), times_[name], baseline,
                    times_[name] / baseline, times_[name] - baseline);
      }
    }
  }

 private:
  std::map<std::string, double> times_;
};

}  // namespace

BENCHMARK(BM_Plain<pass_through>)->Name("Plain/PassThrough");
BENCHMARK(BM_HostLeaf<pass_through>)->Name("HostLeaf/PassThrough");
BENCHMARK_CAPTURE(BM_Abi, native, "test_blocks.PassThrough")->Name("AbiNative/PassThrough");
BENCHMARK_CAPTURE(BM_Abi, dlpack, "test_blocks_dlpack.PassThrough")->Name("AbiDLPack/PassThrough");
BENCHMARK(BM_Plain<add>)->Name("Plain/Add");
BENCHMARK(BM_HostLeaf<add>)->Name("HostLeaf/Add");
BENCHMARK_CAPTURE(BM_Abi, native, "test_blocks.Add")->Name("AbiNative/Add");
BENCHMARK_CAPTURE(BM_Abi, dlpack, "test_blocks_dlpack.Add")->Name("AbiDLPack/Add");

int main(int argc, char** argv) {
  at::set_num_threads(1);  // fixed threading: the figures compare call paths, not thread pools
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
