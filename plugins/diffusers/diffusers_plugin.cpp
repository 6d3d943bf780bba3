// The diffusers plugin: the models diffusers' Stable Diffusion folders name
// in model_index.json, natively in LibTorch (docs/plugins/diffusers.md).
// Type hints resolve with no mapping: diffusers.UNet2DConditionModel is this
// plugin's UNet2DConditionModel.
#include <brick/plugin.h>

#include "autoencoder_kl.h"
#include "unet_2d_condition.h"

BRICK_PLUGIN("diffusers", "0.1.0", "Stable Diffusion's UNet and VAE, as diffusers names them") {
  plugin.unloadable();  // no thread_local, torch operators or CUDA kernels (docs/hot-reload.md)
  plugin.add_component<diffusers::UNet2DConditionModel>("UNet2DConditionModel",
                                                        "The conditional UNet of Stable Diffusion 1.x, 2.x and SDXL");
  plugin.add_component<diffusers::AutoencoderKL>("AutoencoderKL", "The KL autoencoder (VAE) of Stable Diffusion");
}
