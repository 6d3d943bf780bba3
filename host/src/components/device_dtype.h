// Device and dtype conversions between brick's DLPack codes / dtype names and
// ATen, shared by the component loaders.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>
#include <string_view>

#include "brick/brick_abi.h"

namespace brick::host::detail {

// "float16" / "torch.float16" / "fp16" and the like; throws Error otherwise.
at::ScalarType scalar_type_of(std::string_view name);
// "torch.float16"
std::string dtype_repr(at::ScalarType type);
// DLPack codes: 1 CPU, 2 CUDA; others throw Error(BRICK_ERR_UNSUPPORTED).
at::Device device_of(brick_device device);
brick_device brick_device_of(const at::Device& device);

}  // namespace brick::host::detail
