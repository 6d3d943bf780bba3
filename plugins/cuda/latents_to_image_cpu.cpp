#include "latents_to_image_cpu.h"

#include <ATen/ops/empty.h>
#include <c10/util/Half.h>

#include <cstdint>

#include "pixel_formula.h"

namespace brick_cuda {

namespace {

// The same index mapping as the kernel: NCHW in, NHWC out.
template <class T>
void convert(const T* latents, uint8_t* images, int64_t batch, int64_t channels, int64_t pixels) {
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t c = 0; c < channels; ++c) {
      const T* plane = latents + (b * channels + c) * pixels;
      uint8_t* out = images + b * pixels * channels + c;
      for (int64_t p = 0; p < pixels; ++p) out[p * channels] = latent_to_pixel(static_cast<float>(plane[p]));
    }
  }
}

}  // namespace

at::Tensor latents_to_image_cpu(const at::Tensor& latents) {
  int64_t batch = latents.size(0), channels = latents.size(1), height = latents.size(2), width = latents.size(3);
  at::Tensor images = at::empty({batch, height, width, channels}, latents.options().dtype(at::kByte));
  uint8_t* out = images.data_ptr<uint8_t>();
  if (latents.scalar_type() == at::kHalf) {
    convert(latents.data_ptr<at::Half>(), out, batch, channels, height * width);
  } else {
    convert(latents.data_ptr<float>(), out, batch, channels, height * width);
  }
  return images;
}

}  // namespace brick_cuda
