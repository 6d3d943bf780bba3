// The CUDA kernel of cuda.LatentsToImage. No ATen here: raw pointers in,
// one kernel enqueued on the caller's stream, no synchronisation.
#include <cuda_fp16.h>

#include "latents_to_image_kernel.h"
#include "pixel_formula.h"

namespace brick_cuda {

namespace {

__device__ inline float load_as_float(const float* p) { return *p; }
__device__ inline float load_as_float(const uint16_t* p) {
  // binary16 -> binary32 is exact, as at::Half's conversion on the CPU.
  return __half2float(__ushort_as_half(*p));
}

// One thread per output byte, grid-stride. Output index o = (b * pixels + p)
// * channels + c (NHWC) reads input (b * channels + c) * pixels + p (NCHW):
// consecutive threads write consecutive bytes (coalesced stores); the loads
// stride by `pixels` across the few channels and stay cached.
template <class T>
__global__ void latents_to_image_kernel(const T* __restrict__ latents, uint8_t* __restrict__ images, int64_t channels,
                                        int64_t pixels, int64_t total) {
  int64_t stride = static_cast<int64_t>(blockDim.x) * gridDim.x;
  for (int64_t o = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; o < total; o += stride) {
    int64_t c = o % channels;
    int64_t bp = o / channels;  // b * pixels + p
    int64_t p = bp % pixels;
    int64_t b = bp / pixels;
    images[o] = latent_to_pixel(load_as_float(latents + (b * channels + c) * pixels + p));
  }
}

// Switches to `device` for the launch when another one is current; restores
// it on the way out.
class DeviceGuard {
 public:
  explicit DeviceGuard(int device) {
    status_ = cudaGetDevice(&previous_);
    if (status_ == cudaSuccess && previous_ != device) {
      status_ = cudaSetDevice(device);
      switched_ = status_ == cudaSuccess;
    }
  }
  ~DeviceGuard() {
    if (switched_) cudaSetDevice(previous_);
  }
  DeviceGuard(const DeviceGuard&) = delete;
  DeviceGuard& operator=(const DeviceGuard&) = delete;
  cudaError_t status() const { return status_; }

 private:
  int previous_ = 0;
  bool switched_ = false;
  cudaError_t status_ = cudaSuccess;
};

template <class T>
cudaError_t launch(const T* latents, uint8_t* images, int64_t batch, int64_t channels, int64_t pixels, int device,
                   cudaStream_t stream) {
  if (batch < 0 || channels < 0 || pixels < 0) return cudaErrorInvalidValue;
  int64_t total = batch * channels * pixels;
  if (total == 0) return cudaSuccess;
  DeviceGuard guard(device);
  if (guard.status() != cudaSuccess) return guard.status();
  constexpr int threads = 256;
  // Enough blocks to fill any current GPU several times over; the grid-stride
  // loop covers the rest of a larger tensor.
  int64_t wanted = (total + threads - 1) / threads;
  unsigned blocks = static_cast<unsigned>(wanted < 65535 ? wanted : 65535);
  latents_to_image_kernel<T><<<blocks, threads, 0, stream>>>(latents, images, channels, pixels, total);
  return cudaGetLastError();
}

}  // namespace

cudaError_t launch_latents_to_image_f32(const float* latents, uint8_t* images, int64_t batch, int64_t channels,
                                        int64_t pixels, int device, cudaStream_t stream) {
  return launch(latents, images, batch, channels, pixels, device, stream);
}

cudaError_t launch_latents_to_image_f16(const uint16_t* latents, uint8_t* images, int64_t batch, int64_t channels,
                                        int64_t pixels, int device, cudaStream_t stream) {
  return launch(latents, images, batch, channels, pixels, device, stream);
}

}  // namespace brick_cuda
