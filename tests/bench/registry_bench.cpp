// Listing every block of 200 plugins: with a cold registry cache (the cache
// file removed, so every plugin is scanned in the child process) against a
// warm one (read from the cache; no library opened, no child started), in
// one process. Prints the two times and their ratio.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <string>

#include "brick/host/loader/registry.h"
#include "brick/registry/registry.h"

namespace {

namespace fs = std::filesystem;

const fs::path& cache_file() {
  static const fs::path file =
      fs::temp_directory_path() / ("brick-registry-bench-" + std::to_string(::getpid()) + ".json");
  return file;
}

size_t list_blocks() {
  brick::registry::RegistryOptions options = brick::host::registry_options({BENCH_PLUGIN_DIR});
  options.cache_file = cache_file();
  brick::registry::Registry registry(options);
  size_t blocks = 0;
  for (const auto& plugin : registry.plugins()) blocks += plugin.blocks.size();
  return blocks;
}

void BM_ListBlocks(benchmark::State& state, bool warm) {
  size_t blocks = 0;
  for (auto _ : state) {
    if (!warm) {
      fs::remove(cache_file());
    } else if (!fs::exists(cache_file())) {
      state.PauseTiming();
      list_blocks();
      state.ResumeTiming();
    }
    blocks = list_blocks();
    benchmark::DoNotOptimize(blocks);
  }
  state.counters["plugins"] = 200;
  state.counters["blocks"] = static_cast<double>(blocks);
  if (blocks != 200) state.SkipWithError("expected 200 blocks");
}

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      // The name up to its first two parts ("ListBlocks/cold/iterations:3").
      std::string name = run.benchmark_name();
      size_t second = name.find('/', name.find('/') + 1);
      if (run.run_type == Run::RT_Iteration) times_[name.substr(0, second)] = run.GetAdjustedRealTime();
    }
    ConsoleReporter::ReportRuns(runs);
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    double cold = times_["ListBlocks/cold"], warm = times_["ListBlocks/warm"];
    if (cold > 0 && warm > 0) {
      std::printf("\n200 plugins: cold cache %.1f ms, warm cache %.2f ms, cold/warm %.0fx\n", cold, warm, cold / warm);
    }
  }

 private:
  std::map<std::string, double> times_;
};

}  // namespace

BENCHMARK_CAPTURE(BM_ListBlocks, cold, false)->Name("ListBlocks/cold")->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK_CAPTURE(BM_ListBlocks, warm, true)->Name("ListBlocks/warm")->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  fs::remove(cache_file());
  return 0;
}
