// diffusers.UNet2DConditionModel: the denoiser of Stable Diffusion 1.x, 2.x
// and SDXL, made from its config.json and given its weights by diffusers'
// state-dict names through load_state_dict (the host reads the folder's
// safetensors, variants and shards included).
//
// Methods (keyword arguments, diffusers' names):
//   forward({sample, timestep, encoder_hidden_states, added_cond_kwargs?: {text_embeds, time_ids},
//            timestep_cond?}) -> Tensor (diffusers' UNet2DConditionOutput.sample); also __call__.
//     timestep: a number or a 0-d / 1-d tensor (broadcast to the batch).
//   load_state_dict({state_dict}), state_dict(), to({device?, dtype?}), config(), dtype(), device()
#pragma once

#include <brick/sdk.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "embeddings.h"
#include "layers.h"
#include "parameters.h"
#include "unet_2d_condition_config.h"
#include "unet_blocks.h"

namespace diffusers {

// The network: modules with their tensors. Made with make(), never moved
// (its Parameters point into it).
struct UNet2DConditionNet {
  UNet2DConditionConfig config;
  Conv2d conv_in, conv_out;
  TimestepEmbedding time_embedding;
  std::optional<TimestepEmbedding> add_embedding;
  std::vector<DownBlock2D> down_blocks;
  MidBlock2DCrossAttn mid_block;
  std::vector<UpBlock2D> up_blocks;
  GroupNorm conv_norm_out;
  Parameters parameters;

  static std::shared_ptr<UNet2DConditionNet> make(const UNet2DConditionConfig& config);

  struct Inputs {
    at::Tensor sample, timestep, encoder_hidden_states, text_embeds, time_ids, timestep_cond;
  };
  at::Tensor forward(const Inputs& in, bool sdpa) const;

  UNet2DConditionNet(const UNet2DConditionNet&) = delete;
  UNet2DConditionNet& operator=(const UNet2DConditionNet&) = delete;

 private:
  explicit UNet2DConditionNet(const UNet2DConditionConfig& c);
};

class UNet2DConditionModel : public brick::ComponentType {
 public:
  explicit UNet2DConditionModel(brick::ValueRef config);
  brick::Value call(const std::string& method, brick::ValueRef args) override;
  brick::Value config() const override;

 private:
  std::shared_ptr<const UNet2DConditionNet> net();
  // An original single-file checkpoint (single_file.h): its UNet keys converted.
  void load_original_checkpoint(brick::ValueRef state_dict);

  brick::Value config_;
  UNet2DConditionConfig parsed_;
  bool sdpa_;
  std::string folder_;
  std::mutex mutex_;  // guards net_ (components may be called from several threads)
  std::shared_ptr<const UNet2DConditionNet> net_;
};

}  // namespace diffusers
