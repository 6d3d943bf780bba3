// What the stable_diffusion_xl blocks share: the component specs diffusers'
// modular SDXL blocks declare (each type named by the plugin that provides
// it, printing as diffusers' class name), component access with errors that
// name the block, and the readers of diffusers-style inputs (a generator as
// a seed or a state, a dtype as its name, a size as a pair).
#pragma once

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <brick/sdk.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace stable_diffusion_xl {

namespace specs {
brick::ComponentSpec text_encoder();
brick::ComponentSpec text_encoder_2();
brick::ComponentSpec tokenizer();
brick::ComponentSpec tokenizer_2();
brick::ComponentSpec guider();
brick::ComponentSpec unet();
brick::ComponentSpec vae();
brick::ComponentSpec scheduler();
brick::ComponentSpec image_processor();
brick::ComponentSpec mask_processor();
}  // namespace specs

// The component, or an error naming the block and the component.
brick::ComponentRef require_component(const brick::Components& components, const char* name, const std::string& block);
// component.config() as a dict (an error naming the block when it is not).
brick::Value component_config(const brick::Components& components, const char* name, const std::string& block);
// A method's answer as a tensor: a Tensor, or a dict's "sample".
at::Tensor tensor_result(const brick::Value& result, const std::string& what);
// An optional tensor input (None: nullopt).
std::optional<at::Tensor> optional_tensor(const brick::BlockState& block_state, const char* name);

// diffusers' vae_scale_factor: 2 ** (len(vae.config.block_out_channels) - 1),
// 8 without a vae (the default diffusers' modular pipeline uses).
int64_t vae_scale_factor(const brick::Components& components, const std::string& block);

// diffusers' modular SDXL pipeline's properties: default_sample_size (the
// unet's sample_size, 128 without a unet), num_channels_latents (the vae's
// latent_channels, 4 without a vae: an inpainting UNet takes 9 channels, of
// which 4 are the latents) and num_channels_unet (the unet's in_channels, 4
// without a unet).
int64_t default_sample_size(const brick::Components& components, const std::string& block);
int64_t num_channels_latents(const brick::Components& components, const std::string& block);
int64_t num_channels_unet(const brick::Components& components, const std::string& block);

// The `generator` input, one continuous stream across the blocks as
// diffusers' one torch.Generator object is. It is a seed (an int: a CPU
// generator seeded with it draws exactly what
// torch.Generator().manual_seed(seed) draws, the same ATen code) or a
// generator's state (a CPU uint8 tensor: what torch.Generator.get_state()
// returns and at::Generator::get_state() gives). None: a generator seeded
// from the default one (a different draw every run, as diffusers' global
// RNG).
at::Generator generator_from(brick::ValueRef generator, const std::string& block);
// After a block drew from the generator: its advanced state becomes the
// block's `generator`, which the host writes back into the pipeline state
// (an input whose identity changed, diffusers' write-back rule), so the next
// block continues the stream where diffusers' shared object would be. Nothing
// for None (diffusers' global RNG is not in the state either).
void continue_generator(brick::BlockState& block_state, const at::Generator& generator);
// randn_tensor: drawn on the CPU (a seed gives the same numbers on every
// device), then moved.
at::Tensor randn_tensor(at::IntArrayRef shape, at::Generator& generator, at::ScalarType dtype, at::Device device);

// A dtype input: "float16", "torch.float16", ...; None: nullopt.
std::optional<at::ScalarType> dtype_from(brick::ValueRef dtype, const std::string& block);
// A component's dtype through its `dtype` method (float32 when it has none).
at::ScalarType component_dtype(const brick::ComponentRef& component);
std::string dtype_name(at::ScalarType dtype);

// A size input: a list of two ints, or the text of a Python tuple "(a, b)"
// (how a tuple default is kept, so the doc prints it as diffusers does);
// None: nullopt.
std::optional<std::vector<int64_t>> int_pair(brick::ValueRef value, const char* name, const std::string& block);

// prompt: str or list of str (None: nullopt).
std::optional<std::vector<std::string>> prompt_list(brick::ValueRef prompt, const char* name, const std::string& block);

}  // namespace stable_diffusion_xl
