#include "conversions.h"

#include <ATen/TensorOperators.h>
#include <ATen/ops/_upsample_bilinear2d_aa.h>
#include <ATen/ops/clamp.h>
#include <ATen/ops/floor_divide.h>
#include <ATen/ops/ge.h>
#include <ATen/ops/nan_to_num.h>
#include <ATen/ops/round.h>
#include <brick/sdk/error.h>

#include <string>

namespace image {

namespace {

std::string shape_of(const at::Tensor& t) {
  std::string out = "(";
  for (int64_t d = 0; d < t.dim(); ++d) {
    if (d) out += ", ";
    out += std::to_string(t.size(d));
  }
  out += ")";
  return out;
}

[[noreturn]] void bad_image(const char* what, const at::Tensor& t, const char* expected) {
  std::string message = what;
  message += ": expected ";
  message += expected;
  message += ", got a ";
  message += c10::toString(t.scalar_type());
  message += " tensor of shape ";
  message += shape_of(t);
  throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, message);
}

// (N, C, H, W) with C in {1, 3, 4} -> (N, 3, H, W): gray replicated, alpha
// dropped (PIL's convert("RGB")).
at::Tensor to_three_channels(const at::Tensor& nchw) {
  if (nchw.size(1) == 1) return nchw.expand({nchw.size(0), 3, nchw.size(2), nchw.size(3)});
  if (nchw.size(1) == 4) return nchw.narrow(1, 0, 3);
  return nchw;
}

bool channels_ok(int64_t c) { return c == 1 || c == 3 || c == 4; }

}  // namespace

at::Tensor uint8_to_float(const at::Tensor& images) {
  const char* expected = "a uint8 tensor (H, W, C) or (N, H, W, C) with C = 1, 3 or 4";
  if (images.scalar_type() != at::kByte || (images.dim() != 3 && images.dim() != 4)) {
    bad_image("uint8_to_float", images, expected);
  }
  at::Tensor nhwc = images.dim() == 3 ? images.unsqueeze(0) : images;
  if (!channels_ok(nhwc.size(3))) bad_image("uint8_to_float", images, expected);
  at::Tensor nchw = nhwc.permute({0, 3, 1, 2});
  return (to_three_channels(nchw).to(at::kFloat) / 255.0).contiguous();
}

at::Tensor float_to_uint8(const at::Tensor& images) {
  if (!images.is_floating_point() || (images.dim() != 3 && images.dim() != 4)) {
    bad_image("float_to_uint8", images, "a floating point tensor (C, H, W) or (N, C, H, W)");
  }
  at::Tensor nchw = images.dim() == 3 ? images.unsqueeze(0) : images;
  // NaN becomes 0 (a cast of NaN to uint8 is undefined); +-inf clamp.
  at::Tensor x = at::clamp(at::nan_to_num(nchw.to(at::kFloat), 0.0), 0.0, 1.0);
  return at::round(x * 255.0).to(at::kByte).permute({0, 2, 3, 1}).contiguous();
}

at::Tensor uint8_to_grayscale(const at::Tensor& nhwc) {
  if (nhwc.scalar_type() != at::kByte || nhwc.dim() != 4 || !channels_ok(nhwc.size(3))) {
    bad_image("uint8_to_grayscale", nhwc, "a uint8 tensor (N, H, W, C) with C = 1, 3 or 4");
  }
  if (nhwc.size(3) == 1) return nhwc;
  // PIL's L24: (R * 19595 + G * 38470 + B * 7471 + 0x8000) >> 16.
  at::Tensor rgb = nhwc.narrow(3, 0, 3).to(at::kInt);
  at::Tensor l = rgb.select(3, 0) * 19595 + rgb.select(3, 1) * 38470 + rgb.select(3, 2) * 7471 + 0x8000;
  return at::floor_divide(l, 65536).to(at::kByte).unsqueeze(3).contiguous();
}

at::Tensor binarize(const at::Tensor& images) { return at::ge(images, 0.5).to(images.scalar_type()); }

at::Tensor normalize(const at::Tensor& images) { return images * 2.0 - 1.0; }

at::Tensor denormalize(const at::Tensor& images) { return at::clamp(images / 2.0 + 0.5, 0.0, 1.0); }

at::Tensor resize(const at::Tensor& images, int64_t height, int64_t width) {
  if (!images.is_floating_point() || images.dim() != 4) {
    bad_image("resize", images, "a floating point tensor (N, C, H, W)");
  }
  if (height <= 0 || width <= 0) {
    std::string message = "resize: height and width must be positive, got ";
    message += std::to_string(height);
    message += "x";
    message += std::to_string(width);
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, message);
  }
  if (images.size(2) == height && images.size(3) == width) return images;
  return at::_upsample_bilinear2d_aa(images.contiguous(), {height, width}, /*align_corners=*/false);
}

at::Tensor to_float_nchw(const at::Tensor& images, const char* what) {
  if (images.scalar_type() == at::kByte) {
    if ((images.dim() != 3 && images.dim() != 4) || !channels_ok(images.size(images.dim() - 1))) {
      bad_image(what, images, "a uint8 tensor (H, W, C) or (N, H, W, C) with C = 1, 3 or 4");
    }
    return uint8_to_float(images);
  }
  if (images.is_floating_point()) {
    if ((images.dim() != 3 && images.dim() != 4) || !channels_ok(images.size(images.dim() - 3))) {
      bad_image(what, images, "a float tensor (C, H, W) or (N, C, H, W) in [0, 1] with C = 1, 3 or 4");
    }
    at::Tensor nchw = images.dim() == 3 ? images.unsqueeze(0) : images;
    return to_three_channels(nchw).to(at::kFloat).contiguous();
  }
  bad_image(what, images, "a uint8 (HWC/NHWC) or float (CHW/NCHW) image tensor");
}

at::Tensor to_uint8_nhwc(const at::Tensor& images, const char* what) {
  if (images.scalar_type() == at::kByte) {
    if ((images.dim() != 3 && images.dim() != 4) || !channels_ok(images.size(images.dim() - 1))) {
      bad_image(what, images, "a uint8 tensor (H, W, C) or (N, H, W, C) with C = 1, 3 or 4");
    }
    at::Tensor nhwc = images.dim() == 3 ? images.unsqueeze(0) : images;
    at::Tensor rgb = to_three_channels(nhwc.permute({0, 3, 1, 2})).permute({0, 2, 3, 1});
    return rgb.cpu().contiguous();
  }
  return float_to_uint8(to_float_nchw(images, what)).cpu();
}

}  // namespace image
