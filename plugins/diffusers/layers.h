// torch.nn's layers as diffusers' models hold them: each keeps its tensors,
// registers them under its state-dict prefix, and runs through ATen.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

#include "parameters.h"

namespace diffusers {

struct Linear {
  int64_t in = 0, out = 0;
  bool bias = true;
  at::Tensor weight, b;
  Linear() = default;
  Linear(int64_t in_features, int64_t out_features, bool with_bias = true)
      : in(in_features), out(out_features), bias(with_bias) {}
  void add_to(Parameters& p, const std::string& prefix);
  at::Tensor operator()(const at::Tensor& x) const;
};

struct Conv2d {
  int64_t in = 0, out = 0, kernel = 1, stride = 1, padding = 0;
  at::Tensor weight, bias;
  Conv2d() = default;
  Conv2d(int64_t in_channels, int64_t out_channels, int64_t kernel_size, int64_t stride_ = 1, int64_t padding_ = 0)
      : in(in_channels), out(out_channels), kernel(kernel_size), stride(stride_), padding(padding_) {}
  void add_to(Parameters& p, const std::string& prefix);
  at::Tensor operator()(const at::Tensor& x) const;
};

struct GroupNorm {
  int64_t groups = 32, channels = 0;
  double eps = 1e-5;
  at::Tensor weight, bias;
  GroupNorm() = default;
  GroupNorm(int64_t num_groups, int64_t num_channels, double eps_)
      : groups(num_groups), channels(num_channels), eps(eps_) {}
  void add_to(Parameters& p, const std::string& prefix);
  at::Tensor operator()(const at::Tensor& x) const;
};

struct LayerNorm {
  int64_t dim = 0;
  double eps = 1e-5;
  at::Tensor weight, bias;
  LayerNorm() = default;
  LayerNorm(int64_t dim_, double eps_) : dim(dim_), eps(eps_) {}
  void add_to(Parameters& p, const std::string& prefix);
  at::Tensor operator()(const at::Tensor& x) const;
};

// diffusers' get_activation: "silu"/"swish", "gelu", "mish", "relu".
at::Tensor activation(const std::string& name, const at::Tensor& x);
void check_activation(const std::string& name);

}  // namespace diffusers
