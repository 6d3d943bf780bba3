// Reference counting of the c10::TensorImpl a tensor Value holds, kept out of
// value.cpp so that LibTorch headers stay in value_tensor.cpp.
#pragma once

namespace brick::host::detail {

void tensor_incref(void* impl) noexcept;
void tensor_decref(void* impl) noexcept;

}  // namespace brick::host::detail
