// image.VaeImageProcessor: diffusers' VaeImageProcessor as a component type
// (the `image_processor` of diffusers' modular Stable Diffusion XL blocks,
// created from its config {"vae_scale_factor": 8}, and their inpainting
// `mask_processor`, {"do_normalize": false, "do_binarize": true,
// "do_convert_grayscale": true}).
//
//   preprocess({image, height?, width?, resize_mode?, crops_coords?})
//     -> float32 (N, 3, H, W) in [-1, 1] (do_normalize), or in [0, 1];
//     (N, 1, H, W) with do_convert_grayscale; 0 or 1 with do_binarize.
//     image: a PNG path, an image tensor (conversions.h) or a list of those;
//     without height/width, the first image's size rounded down to a multiple
//     of vae_scale_factor (diffusers' get_default_height_width). resize_mode
//     other than "default" and crops_coords (diffusers does them with PIL,
//     for padding_mask_crop) are refused by name.
//   postprocess({image, output_type}) -> output_type "latent": the input as
//     it is; any other ("pil", "pt", "np"): float32 (N, 3, H, W) in [0, 1],
//     the form image.SaveImagesStep writes (a C++ pipeline has no PIL images
//     or numpy arrays; the tensor is what each of them is made from).
#pragma once

#include <brick/sdk.h>

namespace image {

class VaeImageProcessor : public brick::ComponentType {
 public:
  explicit VaeImageProcessor(brick::ValueRef config);

  brick::Value call(const std::string& method, brick::ValueRef args) override;
  brick::Value config() const override;

 private:
  int64_t vae_scale_factor_ = 8;
  bool do_resize_ = true;
  bool do_normalize_ = true;
  bool do_binarize_ = false;
  bool do_convert_rgb_ = false;
  bool do_convert_grayscale_ = false;
};

}  // namespace image
