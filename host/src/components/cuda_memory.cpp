// cuda_free_memory (components_manager.h): asks the CUDA runtime LibTorch
// itself runs on, through c10::cuda, so the process holds one CUDA runtime.
// A LibTorch without CUDA has no CUDA device to ask about.
#include <cstdint>
#include <optional>

#include "brick/host/components/components_manager.h"
#include "cuda_sync.h"

#ifdef BRICK_TORCH_CUDA
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <cuda_runtime_api.h>
#endif

namespace brick::host {

std::optional<int64_t> cuda_free_memory(int device_index) {
#ifdef BRICK_TORCH_CUDA
  if (device_index < 0 || device_index >= static_cast<int>(c10::cuda::device_count())) return std::nullopt;
  c10::cuda::CUDAGuard guard(static_cast<c10::DeviceIndex>(device_index));
  size_t free = 0;
  size_t total = 0;
  if (cudaMemGetInfo(&free, &total) != cudaSuccess) return std::nullopt;
  return static_cast<int64_t>(free);
#else
  (void)device_index;
  return std::nullopt;
#endif
}

namespace detail {

void synchronize_cuda_devices() {
#ifdef BRICK_TORCH_CUDA
  const int count = static_cast<int>(c10::cuda::device_count());
  for (int device = 0; device < count; ++device) {
    c10::cuda::CUDAGuard guard(static_cast<c10::DeviceIndex>(device));
    (void)cudaDeviceSynchronize();  // an error here belongs to the work, not to the unload
  }
#endif
}

}  // namespace detail

}  // namespace brick::host
