// Where a block's tensors go: the execution device the host gives a call
// (Components::device(), DLPack device codes) as an at::Device, and its
// name as the strings component methods take ("cpu", "cuda:0").
#pragma once

#include <string>

#include <c10/core/Device.h>

#include "brick/brick_abi.h"
#include "brick/sdk/error.h"

namespace brick {

inline at::Device torch_device(brick_device device) {
  if (device.device_type == 1) return at::Device(at::kCPU);
  if (device.device_type == 2) return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(device.device_id));
  throw Error(BRICK_ERR_UNSUPPORTED,
              "device type " + std::to_string(device.device_type) + " is not supported (1 = CPU, 2 = CUDA)");
}

inline std::string device_name(brick_device device) {
  if (device.device_type == 2) return "cuda:" + std::to_string(device.device_id);
  return "cpu";
}

}  // namespace brick
