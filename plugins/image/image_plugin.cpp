// The image plugin: PNG files, image layout conversions, and the blocks
// that bring images into and out of a pipeline (docs/plugins/image.md).
#include <brick/plugin.h>

#include "img2img_prepare_latents.h"
#include "load_image.h"
#include "save_images.h"
#include "vae_encoder.h"
#include "vae_image_processor.h"

BRICK_PLUGIN("image", "0.1.0", "Images: PNG reading and writing (libpng), the vae encoder and image-to-image latents") {
  plugin.unloadable();  // no thread_local, torch operators or CUDA kernels (docs/hot-reload.md)
  plugin.add_component<image::VaeImageProcessor>(
      "VaeImageProcessor", "diffusers' VaeImageProcessor: preprocess images to [-1, 1], postprocess to [0, 1]");
  plugin.add<image::VaeEncoderStep>("VaeEncoderStep", "image (PNG path or tensor) -> image_latents via vae.encode");
  plugin.add<image::Img2ImgPrepareLatentsStep>("Img2ImgPrepareLatentsStep",
                                               "image_latents noised to latent_timestep by the scheduler");
  plugin.add<image::SaveImagesStep>("SaveImagesStep", "images -> PNG files (image_paths)");
  plugin.add<image::LoadImageStep>("LoadImageStep", "a PNG file -> a uint8 (H, W, 3) image tensor");
}
