#include "layers.h"

#include <ATen/ops/conv2d.h>
#include <ATen/ops/gelu.h>
#include <ATen/ops/group_norm.h>
#include <ATen/ops/layer_norm.h>
#include <ATen/ops/linear.h>
#include <ATen/ops/mish.h>
#include <ATen/ops/relu.h>
#include <ATen/ops/silu.h>

#include "kwargs.h"

namespace diffusers {

void Linear::add_to(Parameters& p, const std::string& prefix) {
  p.add(prefix + ".weight", {out, in}, &weight);
  if (bias) p.add(prefix + ".bias", {out}, &b);
}

at::Tensor Linear::operator()(const at::Tensor& x) const { return at::linear(x, weight, b); }

void Conv2d::add_to(Parameters& p, const std::string& prefix) {
  p.add(prefix + ".weight", {out, in, kernel, kernel}, &weight);
  p.add(prefix + ".bias", {out}, &bias);
}

at::Tensor Conv2d::operator()(const at::Tensor& x) const {
  return at::conv2d(x, weight, bias, {stride, stride}, {padding, padding});
}

void GroupNorm::add_to(Parameters& p, const std::string& prefix) {
  p.add(prefix + ".weight", {channels}, &weight);
  p.add(prefix + ".bias", {channels}, &bias);
}

at::Tensor GroupNorm::operator()(const at::Tensor& x) const { return at::group_norm(x, groups, weight, bias, eps); }

void LayerNorm::add_to(Parameters& p, const std::string& prefix) {
  p.add(prefix + ".weight", {dim}, &weight);
  p.add(prefix + ".bias", {dim}, &bias);
}

at::Tensor LayerNorm::operator()(const at::Tensor& x) const { return at::layer_norm(x, {dim}, weight, bias, eps); }

void check_activation(const std::string& name) {
  if (name != "silu" && name != "swish" && name != "gelu" && name != "mish" && name != "relu") {
    throw invalid(concat("act_fn '", name, "' is not one of silu, swish, gelu, mish, relu"));
  }
}

at::Tensor activation(const std::string& name, const at::Tensor& x) {
  if (name == "silu" || name == "swish") return at::silu(x);
  if (name == "gelu") return at::gelu(x);
  if (name == "mish") return at::mish(x);
  return at::relu(x);
}

}  // namespace diffusers
