// Component figures: loading safetensors weights (memory-mapped, zero-copy)
// against reading the same file into memory in the same process; a method
// call on a plugin component through the ABI against a plain C++ virtual
// call; the AutoOffloadStrategy's search as the number of resident models
// grows.
//
//   build/bin/components_bench [--benchmark_min_time=1]
#include <ATen/ATen.h>
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <vector>

#include "brick/host/components/component_types.h"
#include "brick/host/components/components_manager.h"
#include "brick/host/components/safetensors.h"
#include "brick/host/loader/host.h"

namespace fs = std::filesystem;
using namespace brick::host;

namespace {

// A 64 MiB file of 16 float32 tensors, written once per process.
const fs::path& weights_file() {
  static fs::path path = [] {
    std::string name = "brick-bench-";
    name += std::to_string(std::random_device{}());
    name += ".safetensors";
    fs::path p = fs::temp_directory_path() / name;
    Value::Dict tensors;
    for (int i = 0; i < 16; ++i) {
      std::string key = "layer";
      key += std::to_string(i);
      tensors.emplace_back(std::move(key), Value(at::rand({1024, 1024})));
    }
    write_safetensors(p, tensors);
    return p;
  }();
  return path;
}

struct RemoveFile {
  ~RemoveFile() {
    std::error_code ec;
    fs::remove(weights_file(), ec);
  }
} remove_at_exit;

void BM_SafetensorsRead(benchmark::State& state) {
  const fs::path& file = weights_file();
  for (auto _ : state) {
    SafetensorsFile read = read_safetensors(file);
    benchmark::DoNotOptimize(read.tensors.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(fs::file_size(file)));
}
BENCHMARK(BM_SafetensorsRead)->Unit(benchmark::kMicrosecond);

// The same read converting to float16: every byte is touched.
void BM_SafetensorsReadToFloat16(benchmark::State& state) {
  const fs::path& file = weights_file();
  LoadOptions options;
  options.dtype = "float16";
  for (auto _ : state) {
    SafetensorsFile read = read_safetensors(file, options);
    benchmark::DoNotOptimize(read.tensors.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(fs::file_size(file)));
}
BENCHMARK(BM_SafetensorsReadToFloat16)->Unit(benchmark::kMillisecond);

// Baseline: the file read into one buffer with std::ifstream.
void BM_BaselineReadWholeFile(benchmark::State& state) {
  const fs::path& file = weights_file();
  std::vector<char> buffer(fs::file_size(file));
  for (auto _ : state) {
    std::ifstream in(file, std::ios::binary);
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    benchmark::DoNotOptimize(buffer.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(buffer.size()));
}
BENCHMARK(BM_BaselineReadWholeFile)->Unit(benchmark::kMillisecond);

std::shared_ptr<Object> plugin_scheduler() {
  static Host* host = [] {
    auto* h = new Host();
    h->load_plugin(std::string(TEST_PLUGIN_DIR) + "/test_components.so");
    return h;
  }();
  ComponentSpec spec;
  spec.name = "scheduler";
  spec.type_hint = "test_components.EulerScheduler";
  spec.default_creation_method = CreationMethod::FromConfig;
  return host->component_types()->create(spec, Value::dict({{"scale", 2.0}}));
}

// scheduler.call("step", [x]) on a plugin component: host -> ABI -> plugin
// -> host values, one float in, one float out.
void BM_PluginComponentCall(benchmark::State& state) {
  std::shared_ptr<Object> scheduler = plugin_scheduler();
  Value args = Value::list({1.5});
  for (auto _ : state) benchmark::DoNotOptimize(scheduler->call("step", args));
}
BENCHMARK(BM_PluginComponentCall);

// Baseline: the same work as a virtual call on a host object.
class HostScheduler : public Object {
 public:
  std::string class_name() const override { return "HostScheduler"; }
  Value call(std::string_view, const Value& args) override { return Value(args.as_list()[0].as_float() * 2.0); }
};
void BM_BaselineHostObjectCall(benchmark::State& state) {
  std::shared_ptr<Object> scheduler = std::make_shared<HostScheduler>();
  Value args = Value::list({1.5});
  for (auto _ : state) benchmark::DoNotOptimize(scheduler->call("step", args));
}
BENCHMARK(BM_BaselineHostObjectCall);

// The strategy over n resident models of distinct sizes that no single one
// covers: it tries every combination (2^n - 1).
void BM_AutoOffloadStrategy(benchmark::State& state) {
  std::vector<ResidentModel> resident;
  for (int i = 0; i < state.range(0); ++i) {
    std::string id = "m";
    id += std::to_string(i);
    resident.push_back({std::move(id), int64_t{100} + i});
  }
  AutoOffloadStrategy strategy(0);
  int64_t size = 250 + state.range(0);
  for (auto _ : state) benchmark::DoNotOptimize(strategy(resident, "x", size, 0));
}
BENCHMARK(BM_AutoOffloadStrategy)->Arg(4)->Arg(8)->Arg(12)->Arg(16);

}  // namespace

BENCHMARK_MAIN();
