#include "tensor_exchange.h"

#include <ATen/DLConvertor.h>

#include "brick/host/base/error.h"

namespace brick::host::detail {

namespace {

// Wraps a plugin's DLManagedTensor so that the plugin's library stays loaded
// until its deleter has run.
struct KeptAlive {
  DLManagedTensor wrapper;
  DLManagedTensor* original;
  std::shared_ptr<const void> keep_alive;

  static void deleter(DLManagedTensor* self) {
    auto* kept = static_cast<KeptAlive*>(self->manager_ctx);
    if (kept->original->deleter) kept->original->deleter(kept->original);
    delete kept;
  }
};

}  // namespace

DLManagedTensor* to_dlpack(const Value& tensor) { return at::toDLPack(tensor.as_tensor()); }

Value from_dlpack(DLManagedTensor* managed, std::shared_ptr<const void> keep_alive) {
  if (!managed) throw Error(BRICK_ERR_INVALID_ARGUMENT, "no DLPack tensor given");
  auto* kept = new KeptAlive{*managed, managed, std::move(keep_alive)};
  kept->wrapper.manager_ctx = kept;
  kept->wrapper.deleter = &KeptAlive::deleter;
  try {
    return Value(at::fromDLPack(&kept->wrapper));
  } catch (const c10::Error& e) {
    KeptAlive::deleter(&kept->wrapper);
    throw Error(BRICK_ERR_INVALID_ARGUMENT, std::string("unusable DLPack tensor: ") + e.what_without_backtrace());
  }
}

const void* native_tensor_deleter(void* tensor_impl) {
  auto* impl = static_cast<c10::TensorImpl*>(tensor_impl);
  if (!impl || !impl->has_storage()) return nullptr;
  return reinterpret_cast<const void*>(impl->storage().data_ptr().get_deleter());
}

}  // namespace brick::host::detail
