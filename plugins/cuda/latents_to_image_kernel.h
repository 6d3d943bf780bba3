// The CUDA side of cuda.LatentsToImage: launchers taking raw device
// pointers, so that the .cu file needs no ATen (nvcc compiles it alone, and
// it builds against any LibTorch, CUDA-enabled or not).
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

namespace brick_cuda {

// Converts `batch` images of `channels` x `pixels` (height * width) latents,
// contiguous NCHW, into uint8 NHWC pixels with latent_to_pixel
// (pixel_formula.h). Both pointers are device memory of device `device`.
// Enqueues one kernel on `stream` (nullptr: the legacy default stream) and
// returns without synchronising; the result is the launch's status (errors
// of the kernel's execution show at the stream's next synchronisation).
// Makes `device` current for the launch and restores the previous one.
cudaError_t launch_latents_to_image_f32(const float* latents, uint8_t* images, int64_t batch, int64_t channels,
                                        int64_t pixels, int device, cudaStream_t stream);
// The same for float16 latents, given as their bit patterns (IEEE binary16,
// what at::Half and __half store).
cudaError_t launch_latents_to_image_f16(const uint16_t* latents, uint8_t* images, int64_t batch, int64_t channels,
                                        int64_t pixels, int device, cudaStream_t stream);

}  // namespace brick_cuda
