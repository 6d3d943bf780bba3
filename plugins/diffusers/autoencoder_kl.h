// diffusers.AutoencoderKL: Stable Diffusion's VAE (autoencoder_kl.py, vae.py),
// made from its config.json and given its weights by diffusers' state-dict
// names through load_state_dict.
//
// Methods (keyword arguments, diffusers' names):
//   encode({sample}) -> {"mean", "logvar"}: the latent distribution
//     (DiagonalGaussianDistribution's parameters, logvar clamped to [-30, 20]);
//     a caller takes the mean (retrieve_latents' "argmax") or samples
//     mean + exp(logvar / 2) * noise.
//   decode({z}) -> Tensor (diffusers' DecoderOutput.sample); "latents" is accepted for z.
//   load_state_dict({state_dict}), state_dict(), to({device?, dtype?}), dtype(), device(),
//   config(): the config with scaling_factor, shift_factor and force_upcast filled in.
#pragma once

#include <brick/sdk.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "attention.h"
#include "layers.h"
#include "parameters.h"
#include "unet_blocks.h"

namespace diffusers {

struct AutoencoderKLConfig {
  int64_t in_channels = 3, out_channels = 3, latent_channels = 4;
  std::vector<int64_t> block_out_channels{64};
  int64_t layers_per_block = 1;
  std::string act_fn = "silu";
  int64_t norm_num_groups = 32;
  double scaling_factor = 0.18215;
  std::optional<double> shift_factor;
  bool force_upcast = true;
  bool use_quant_conv = true, use_post_quant_conv = true;
  bool mid_block_add_attention = true;
  std::string attn_implementation;

  static AutoencoderKLConfig from(brick::ValueRef config);
};

struct AutoencoderKLNet {
  AutoencoderKLConfig config;
  // encoder.*
  Conv2d encoder_conv_in, encoder_conv_out;
  std::vector<DownBlock2D> encoder_down_blocks;
  MidBlock2D encoder_mid_block;
  GroupNorm encoder_conv_norm_out;
  // decoder.*
  Conv2d decoder_conv_in, decoder_conv_out;
  MidBlock2D decoder_mid_block;
  std::vector<UpBlock2D> decoder_up_blocks;
  GroupNorm decoder_conv_norm_out;
  std::optional<Conv2d> quant_conv, post_quant_conv;
  Parameters parameters;

  static std::shared_ptr<AutoencoderKLNet> make(const AutoencoderKLConfig& config);
  // -> mean, logvar
  std::pair<at::Tensor, at::Tensor> encode(const at::Tensor& sample, bool sdpa) const;
  at::Tensor decode(const at::Tensor& z, bool sdpa) const;

  AutoencoderKLNet(const AutoencoderKLNet&) = delete;
  AutoencoderKLNet& operator=(const AutoencoderKLNet&) = delete;

 private:
  explicit AutoencoderKLNet(const AutoencoderKLConfig& c);
};

class AutoencoderKL : public brick::ComponentType {
 public:
  explicit AutoencoderKL(brick::ValueRef config);
  brick::Value call(const std::string& method, brick::ValueRef args) override;
  brick::Value config() const override;

 private:
  std::shared_ptr<const AutoencoderKLNet> net();
  // An original single-file checkpoint (single_file.h): its vae keys converted.
  void load_original_checkpoint(brick::ValueRef state_dict);

  brick::Value config_;
  AutoencoderKLConfig parsed_;
  bool sdpa_;
  std::string folder_;
  std::mutex mutex_;
  std::shared_ptr<const AutoencoderKLNet> net_;
};

}  // namespace diffusers
