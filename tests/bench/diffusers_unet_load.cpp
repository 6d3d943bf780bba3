// Load time and peak resident memory of a UNet2DConditionModel folder, read
// through the host as from_pretrained reads it (tests/bench/unet_load.sh runs
// it for Stable Diffusion 1.5's UNet in float32 and float16).
//
//   diffusers_unet_load make FOLDER DTYPE
//       writes FOLDER/config.json (SD 1.5's UNet, tests/bench/configs/sd15_unet.json) and
//       FOLDER/diffusion_pytorch_model.safetensors with random weights in DTYPE
//   diffusers_unet_load load FOLDER TORCH_DTYPE
//       loads it with that torch_dtype, then reads every weight (a mapped file's
//       pages count once read), and prints one JSON line:
//       load_s (from_pretrained: a file in the loaded dtype is mapped, its pages read
//       later), read_s (reading every weight once: the page-in a mapped file defers),
//       weights_bytes, rss_before, peak_rss (VmHWM) after loading and after reading,
//       and peak_over_weights = (peak - rss_before) / weights_bytes.
#include <ATen/ops/sum.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "brick/host/components/component_types.h"
#include "brick/host/components/safetensors.h"
#include "brick/host/loader/host.h"
#include "brick/host/value/json.h"

using namespace brick::host;
namespace fs = std::filesystem;

namespace {

// A /proc/self/status field in bytes (VmRSS, VmHWM).
int64_t status_bytes(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) return std::stoll(line.substr(std::strlen(field) + 1)) * 1024;
  }
  return -1;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 || (std::string(argv[1]) != "make" && std::string(argv[1]) != "load")) {
    std::cerr << "usage: diffusers_unet_load make|load FOLDER DTYPE\n";
    return 2;
  }
  const std::string mode = argv[1];
  const fs::path folder = argv[2];
  const std::string dtype = argv[3];
  Host host;
  host.load_plugin(DIFFUSERS_PLUGIN);
  if (mode == "make") {
    fs::create_directories(folder);
    const std::string config = read_text(std::string(BENCH_CONFIGS) + "/sd15_unet.json");
    std::ofstream(folder / "config.json", std::ios::binary) << config;
    ComponentSpec spec;
    spec.name = "unet";
    spec.type_hint = "diffusers.UNet2DConditionModel";
    spec.default_creation_method = CreationMethod::FromConfig;
    std::shared_ptr<Object> unet = host.component_types()->create(spec, parse_json(config));
    unet->call("to", Value::dict({{"dtype", Value(dtype)}}));
    Value state = unet->call("state_dict", Value());
    write_safetensors(folder / "diffusion_pytorch_model.safetensors", state.as_dict());
    return 0;
  }
  ComponentSpec spec;
  spec.name = "unet";
  spec.type_hint = "diffusers.UNet2DConditionModel";
  spec.pretrained_model_name_or_path = folder.string();
  LoadOptions options;
  options.dtype = dtype;
  const int64_t rss_before = status_bytes("VmRSS:");
  const auto start = std::chrono::steady_clock::now();
  std::shared_ptr<Object> unet = host.component_types()->load(spec, options);
  const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const int64_t peak_loaded = status_bytes("VmHWM:");
  const int64_t weights = unet->call("memory_footprint", Value()).as_int();
  // Every weight read once (a mapped file's pages count once touched).
  double total = 0;
  const auto read_start = std::chrono::steady_clock::now();
  const Value state = unet->call("state_dict", Value());
  for (const auto& item : state.as_dict()) {
    total += item.second.as_tensor().sum().item<double>();
  }
  const int64_t peak_used = status_bytes("VmHWM:");
  const double read_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - read_start).count();
  if (total == 0.12345) std::printf("\n");  // keeps the sums
  std::printf(
      "{\"torch_dtype\": \"%s\", \"load_s\": %.3f, \"read_s\": %.3f, \"weights_bytes\": %lld, \"rss_before\": %lld, "
      "\"peak_rss_loaded\": %lld, \"peak_rss_after_read\": %lld, \"peak_over_weights\": %.3f}\n",
      dtype.c_str(), load_s, read_s, static_cast<long long>(weights), static_cast<long long>(rss_before),
      static_cast<long long>(peak_loaded), static_cast<long long>(peak_used),
      static_cast<double>(std::max(peak_loaded, peak_used) - rss_before) / static_cast<double>(weights));
  return 0;
}
