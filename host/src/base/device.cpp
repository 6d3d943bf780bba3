#include "brick/host/base/device.h"

#include <ATen/Context.h>

#include <charconv>

#include "brick/host/base/error.h"

namespace brick::host {

namespace {
constexpr int32_t kDLCPU = 1;
constexpr int32_t kDLCUDA = 2;
}  // namespace

brick_device parse_device(std::string_view name) {
  if (name == "cpu") return brick_device{kDLCPU, 0};
  auto refuse = [&] {
    throw Error(BRICK_ERR_INVALID_ARGUMENT, "expected a device (cpu, cuda or cuda:N), got '" + std::string(name) + "'");
  };
  if (name.substr(0, 4) != "cuda") refuse();
  if (name.size() == 4) return brick_device{kDLCUDA, 0};
  if (name[4] != ':' || name.size() == 5) refuse();
  int32_t index = 0;
  auto [end, ec] = std::from_chars(name.data() + 5, name.data() + name.size(), index);
  if (ec != std::errc() || end != name.data() + name.size() || index < 0) refuse();
  return brick_device{kDLCUDA, index};
}

void check_device(brick_device device) {
  if (device.device_type == kDLCPU) return;
  std::string name = device_name(device);
  if (device.device_type != kDLCUDA) throw Error(BRICK_ERR_UNSUPPORTED, "device " + name + ": not supported");
  if (!at::hasCUDA()) {
    throw Error(BRICK_ERR_UNSUPPORTED, "device " + name +
                                           ": no CUDA device is usable here (this LibTorch has no CUDA, or no GPU is "
                                           "visible; Debian's LibTorch is CPU-only: build brick against a CUDA "
                                           "LibTorch, docs/building.md)");
  }
  // at::hasCUDA() says a GPU exists; the count comes from the CUDA hooks.
  int64_t count = at::detail::getCUDAHooks().getNumGPUs();
  if (device.device_id >= count) {
    throw Error(BRICK_ERR_UNSUPPORTED,
                "device " + name + ": this machine has " + std::to_string(count) + " CUDA device(s)");
  }
}

std::string device_name(brick_device device) {
  switch (device.device_type) {
    case kDLCPU:
      return "cpu";
    case kDLCUDA:
      return "cuda:" + std::to_string(device.device_id);
    default:
      return std::to_string(device.device_type) + ":" + std::to_string(device.device_id);
  }
}

}  // namespace brick::host
