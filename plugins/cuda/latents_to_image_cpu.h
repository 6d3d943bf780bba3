// The CPU side of cuda.LatentsToImage: the kernel's formula
// (pixel_formula.h) in a plain loop, so that a pipeline without a GPU gets
// the same bytes a GPU would give.
#pragma once

#include <ATen/core/Tensor.h>

namespace brick_cuda {

// latents: contiguous float32 or float16 (N, C, H, W) on the CPU. Returns
// uint8 (N, H, W, C) on the CPU.
at::Tensor latents_to_image_cpu(const at::Tensor& latents);

}  // namespace brick_cuda
