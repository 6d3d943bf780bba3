// Conversions between the image layouts the pipeline meets, as diffusers'
// VaeImageProcessor does them:
//   uint8 HWC / NHWC in [0, 255]   (PNG files, "np" output)
//   float NCHW in [0, 1]           (what decoders return, what encoders take before normalize)
//   float NCHW in [-1, 1]          (what VAEs take and return)
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace image {

// uint8 (H, W, C) or (N, H, W, C) -> float32 (N, C, H, W) in [0, 1] (x / 255),
// on the input's device. C is 1, 3 or 4: gray is replicated to RGB, alpha is
// dropped, so the result always has 3 channels.
at::Tensor uint8_to_float(const at::Tensor& images);

// float (N, C, H, W) or (C, H, W) in [0, 1] -> uint8 (N, H, W, C), on the
// input's device: round(clamp(x, 0, 1) * 255), computed in float32, rounding
// half to even (torch.round, numpy's round in diffusers' numpy_to_pil).
at::Tensor float_to_uint8(const at::Tensor& images);

// uint8 (N, H, W, C) with C = 1, 3 or 4 -> uint8 (N, H, W, 1): PIL's
// convert("L") (L = R * 299/1000 + G * 587/1000 + B * 114/1000, in PIL's
// fixed point, rounded), alpha dropped; C = 1 as it is.
at::Tensor uint8_to_grayscale(const at::Tensor& nhwc);

// diffusers' binarize: values below 0.5 become 0, the others 1.
at::Tensor binarize(const at::Tensor& images);

// diffusers' normalize: [0, 1] -> [-1, 1] (2x - 1).
at::Tensor normalize(const at::Tensor& images);
// diffusers' denormalize: [-1, 1] -> [0, 1] ((x / 2 + 0.5).clamp(0, 1)).
at::Tensor denormalize(const at::Tensor& images);

// Resizes float (N, C, H, W) images to height x width with antialiased
// bilinear interpolation (at::_upsample_bilinear2d_aa, align_corners=false:
// PIL's bilinear filter, which averages when shrinking instead of skipping
// pixels). The same size returns the input unchanged.
at::Tensor resize(const at::Tensor& images, int64_t height, int64_t width);

// Any accepted image tensor -> float32 (N, 3, H, W) in [0, 1]: uint8 HWC or
// NHWC (via uint8_to_float), float (C, H, W) or (N, C, H, W) with C = 3
// (float16/64 are converted to float32). Throws brick::Error naming `what`
// for other shapes and dtypes.
at::Tensor to_float_nchw(const at::Tensor& images, const char* what);

// Any accepted image tensor -> uint8 (N, H, W, 3) on the CPU: uint8 NHWC/HWC
// as is (gray replicated, alpha dropped), float NCHW/CHW in [0, 1] via
// float_to_uint8.
at::Tensor to_uint8_nhwc(const at::Tensor& images, const char* what);

}  // namespace image
