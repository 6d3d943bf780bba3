// The parts of Value that touch LibTorch.
#include <ATen/core/Tensor.h>
#include <ATen/ops/clone.h>

#include "brick/host/base/error.h"
#include "brick/host/value/value.h"
#include "tensor_facts.h"
#include "tensor_refcount.h"

namespace brick::host {

namespace detail {

void tensor_incref(void* impl) noexcept { c10::raw::intrusive_ptr::incref(static_cast<c10::TensorImpl*>(impl)); }

void tensor_decref(void* impl) noexcept { c10::raw::intrusive_ptr::decref(static_cast<c10::TensorImpl*>(impl)); }

std::string tensor_dtype_repr(void* impl) {
  switch (c10::typeMetaToScalarType(static_cast<c10::TensorImpl*>(impl)->dtype())) {
    case at::kFloat:
      return "torch.float32";
    case at::kDouble:
      return "torch.float64";
    case at::kHalf:
      return "torch.float16";
    case at::kBFloat16:
      return "torch.bfloat16";
    case at::kByte:
      return "torch.uint8";
    case at::kChar:
      return "torch.int8";
    case at::kShort:
      return "torch.int16";
    case at::kInt:
      return "torch.int32";
    case at::kLong:
      return "torch.int64";
    case at::kBool:
      return "torch.bool";
    case at::kComplexFloat:
      return "torch.complex64";
    case at::kComplexDouble:
      return "torch.complex128";
    default:
      return std::string("torch.") +
             c10::toString(c10::typeMetaToScalarType(static_cast<c10::TensorImpl*>(impl)->dtype()));
  }
}

std::string tensor_shape_repr(void* impl) {
  std::string out = "torch.Size([";
  bool first = true;
  for (int64_t d : static_cast<c10::TensorImpl*>(impl)->sizes()) {
    if (!first) out += ", ";
    first = false;
    out += std::to_string(d);
  }
  return out + "])";
}

}  // namespace detail

Value::Value(const at::Tensor& t) : Value() {
  if (t.defined()) {
    at::Tensor reference = t;
    kind_ = Kind::Tensor;
    tensor_ = reference.unsafeReleaseTensorImpl();
  }
}

at::Tensor Value::as_tensor() const {
  if (kind_ != Kind::Tensor) {
    throw Error(BRICK_ERR_TYPE_MISMATCH, std::string("expected Tensor, got ") + kind_name());
  }
  return at::Tensor(c10::intrusive_ptr<c10::TensorImpl, c10::UndefinedTensorImpl>::reclaim_copy(
      static_cast<c10::TensorImpl*>(tensor_)));
}

void* Value::new_tensor_reference() const {
  if (kind_ != Kind::Tensor) return nullptr;
  detail::tensor_incref(tensor_);
  return tensor_;
}

Value Value::deep_copy() const {
  switch (kind_) {
    case Kind::Tensor:
      return Value(as_tensor().clone());
    case Kind::List: {
      List items;
      for (const Value& item : as_list()) items.push_back(item.deep_copy());
      return list(std::move(items));
    }
    case Kind::Dict: {
      Dict items;
      for (const auto& [key, item] : as_dict()) items.emplace_back(key, item.deep_copy());
      return dict(std::move(items));
    }
    default:
      return *this;  // immutable
  }
}

}  // namespace brick::host
