// The one formula of cuda.LatentsToImage, shared by the CUDA kernel (nvcc)
// and the CPU loop (g++) so that both give the same bytes:
//
//   pixel = rint(min(max(x * 0.5 + 0.5, 0), 1) * 255)    in float32
//
// Why each piece is written as it is:
// - x * 0.5f + 0.5f is diffusers' x / 2 + 0.5 (halving is exact). On the
//   device the multiply and the add use __fmul_rn / __fadd_rn, which nvcc
//   never contracts into an FMA; on the host GCC in ISO C++ mode does not
//   contract either (-ffp-contract=off). (An FMA would give the same result
//   here anyway, since x * 0.5 is exact for normal x, but the explicit
//   rounding makes the equality not depend on that argument.)
// - fmaxf then fminf clamp to [0, 1]; both follow IEEE 754 maxNum/minNum on
//   host and device, so NaN becomes 0 and +-inf become 1 / 0.
// - rintf rounds half to even in the default rounding mode, as torch.round
//   and numpy's round (diffusers' numpy_to_pil) do: x = 0 gives
//   127.5 -> 128, and a product of exactly 2.5 gives 2. The value is in
//   [0, 255] after the clamp, so the cast to uint8 is exact.
#pragma once

#include <math.h>
#include <stdint.h>

#ifdef __CUDACC__
#define BRICK_CUDA_HOST_DEVICE __host__ __device__
#else
#define BRICK_CUDA_HOST_DEVICE
#endif

namespace brick_cuda {

BRICK_CUDA_HOST_DEVICE inline uint8_t latent_to_pixel(float x) {
#ifdef __CUDA_ARCH__
  float y = __fadd_rn(__fmul_rn(x, 0.5f), 0.5f);
  float scaled = __fmul_rn(fminf(fmaxf(y, 0.0f), 1.0f), 255.0f);
#else
  float y = x * 0.5f + 0.5f;
  float scaled = fminf(fmaxf(y, 0.0f), 1.0f) * 255.0f;
#endif
  return static_cast<uint8_t>(rintf(scaled));
}

}  // namespace brick_cuda
