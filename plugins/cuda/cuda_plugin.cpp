// The cuda plugin: blocks with CUDA kernels of their own, built only when a
// CUDA compiler is found (BRICK_CUDA). Each block also runs on the CPU with
// the same results, so pipelines using it run anywhere (docs/plugins/cuda.md).
#include <brick/plugin.h>

#include "latents_to_image.h"

BRICK_PLUGIN("cuda", "0.1.0", "CUDA kernels: latents to uint8 images on the latents' device") {
  plugin.add<brick_cuda::LatentsToImage>("LatentsToImage",
                                         "latents in [-1, 1] -> uint8 NHWC images (CUDA kernel or CPU)");
}
