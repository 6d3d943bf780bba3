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

// The function that frees a native tensor's memory (its storage's DataPtr
// deleter), or nullptr. A native tensor carries no keep-alive (that would
// cost an allocation per tensor, what native exchange exists to avoid), so
// a plugin whose own code is that deleter is pinned resident instead
// (api_value_from_native_tensor).
const void* native_tensor_deleter(void* tensor_impl);

}  // namespace brick::host::detail
