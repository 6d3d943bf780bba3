#include "device_dtype.h"

#include "brick/host/base/error.h"

namespace brick::host::detail {

at::ScalarType scalar_type_of(std::string_view name) {
  if (name.substr(0, 6) == "torch.") name.remove_prefix(6);
  if (name == "float16" || name == "half" || name == "fp16") return at::kHalf;
  if (name == "bfloat16" || name == "bf16") return at::kBFloat16;
  if (name == "float32" || name == "float" || name == "fp32") return at::kFloat;
  if (name == "float64" || name == "double") return at::kDouble;
  std::string message = "unknown dtype '";
  message += std::string(name) + "' (expected float16, bfloat16, float32 or float64)";
  throw Error(BRICK_ERR_INVALID_ARGUMENT, message);
}

std::string dtype_repr(at::ScalarType type) {
  switch (type) {
    case at::kHalf:
      return "torch.float16";
    case at::kBFloat16:
      return "torch.bfloat16";
    case at::kFloat:
      return "torch.float32";
    case at::kDouble:
      return "torch.float64";
    case at::kLong:
      return "torch.int64";
    case at::kInt:
      return "torch.int32";
    case at::kShort:
      return "torch.int16";
    case at::kChar:
      return "torch.int8";
    case at::kByte:
      return "torch.uint8";
    case at::kBool:
      return "torch.bool";
    default:
      return std::string("torch.") + c10::toString(type);
  }
}

at::Device device_of(brick_device device) {
  if (device.device_type == 1) return at::Device(at::kCPU);
  if (device.device_type == 2) return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(device.device_id));
  throw Error(BRICK_ERR_UNSUPPORTED,
              "device type " + std::to_string(device.device_type) + " is not supported (1 = CPU, 2 = CUDA)");
}

brick_device brick_device_of(const at::Device& device) {
  if (device.is_cuda()) return brick_device{2, device.has_index() ? device.index() : 0};
  return brick_device{1, 0};
}

}  // namespace brick::host::detail
