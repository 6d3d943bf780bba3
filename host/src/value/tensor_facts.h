// What repr needs to know about a tensor Value, without LibTorch headers:
// "torch.float32" and "torch.Size([1, 4])".
#pragma once

#include <string>

namespace brick::host::detail {

std::string tensor_dtype_repr(void* impl);
std::string tensor_shape_repr(void* impl);

}  // namespace brick::host::detail
