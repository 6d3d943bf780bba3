#include "embeddings.h"

#include <ATen/TensorOperators.h>
#include <ATen/ops/arange.h>
#include <ATen/ops/cat.h>
#include <ATen/ops/constant_pad_nd.h>
#include <ATen/ops/cos.h>
#include <ATen/ops/exp.h>
#include <ATen/ops/sin.h>

#include <cmath>

#include "kwargs.h"

namespace diffusers {

at::Tensor timestep_embedding(const at::Tensor& timesteps, int64_t dim, bool flip_sin_to_cos, double freq_shift) {
  const int64_t half = dim / 2;
  at::Tensor exponent = at::arange(0, half, at::TensorOptions().dtype(at::kFloat).device(timesteps.device())) *
                        (-std::log(10000.0)) / (static_cast<double>(half) - freq_shift);
  at::Tensor args = timesteps.unsqueeze(1).to(at::kFloat) * at::exp(exponent).unsqueeze(0);
  at::Tensor emb =
      flip_sin_to_cos ? at::cat({at::cos(args), at::sin(args)}, -1) : at::cat({at::sin(args), at::cos(args)}, -1);
  if (dim % 2 == 1) emb = at::constant_pad_nd(emb, {0, 1, 0, 0}, 0);
  return emb;
}

TimestepEmbedding::TimestepEmbedding(int64_t in_channels, int64_t time_embed_dim, const std::string& act,
                                     int64_t cond_proj_dim)
    : linear_1(in_channels, time_embed_dim), linear_2(time_embed_dim, time_embed_dim), act_fn(act) {
  check_activation(act_fn);
  if (cond_proj_dim > 0) cond_proj = Linear(cond_proj_dim, in_channels, false);
}

void TimestepEmbedding::add_to(Parameters& p, const std::string& prefix) {
  linear_1.add_to(p, prefix + ".linear_1");
  linear_2.add_to(p, prefix + ".linear_2");
  if (cond_proj) cond_proj->add_to(p, prefix + ".cond_proj");
}

at::Tensor TimestepEmbedding::operator()(at::Tensor sample, const at::Tensor& condition) const {
  if (condition.defined()) {
    if (!cond_proj) throw invalid("timestep_cond was given, but the config has no time_cond_proj_dim");
    sample = sample + (*cond_proj)(condition.to(sample.scalar_type()));
  }
  return linear_2(activation(act_fn, linear_1(sample)));
}

}  // namespace diffusers
