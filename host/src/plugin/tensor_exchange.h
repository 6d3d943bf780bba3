// Tensors across the ABI: DLPack views and imports (with a keep-alive for the
// library that owns an imported tensor's deleter). Native exchange needs no
// code beyond Value's own reference counting.
#pragma once

#include <memory>

#include "brick/host/value/value.h"

struct DLManagedTensor;

namespace brick::host::detail {

// A new DLPack view of a tensor value, no copy. Throws Error.
DLManagedTensor* to_dlpack(const Value& tensor);
// Takes ownership of managed; keep_alive lives until its deleter has run.
// Throws Error (after calling the deleter) when LibTorch cannot take it.
Value from_dlpack(DLManagedTensor* managed, std::shared_ptr<const void> keep_alive);

}  // namespace brick::host::detail
