#include "unet_blocks.h"

#include <ATen/ops/cat.h>

namespace diffusers {

namespace {

template <class T>
void add_all(std::vector<T>& items, Parameters& p, const std::string& prefix) {
  for (size_t i = 0; i < items.size(); ++i) items[i].add_to(p, prefix + "." + std::to_string(i));
}

}  // namespace

void DownBlock2D::add_to(Parameters& p, const std::string& prefix) {
  add_all(attentions, p, prefix + ".attentions");
  add_all(resnets, p, prefix + ".resnets");
  if (downsampler) downsampler->add_to(p, prefix + ".downsamplers.0");
}

at::Tensor DownBlock2D::operator()(at::Tensor h, const at::Tensor& temb, const at::Tensor& context, bool sdpa,
                                   std::vector<at::Tensor>* skips) const {
  for (size_t i = 0; i < resnets.size(); ++i) {
    h = resnets[i](h, temb);
    if (!attentions.empty()) h = attentions[i](h, context, sdpa);
    if (skips) skips->push_back(h);
  }
  if (downsampler) {
    h = (*downsampler)(h);
    if (skips) skips->push_back(h);
  }
  return h;
}

void UpBlock2D::add_to(Parameters& p, const std::string& prefix) {
  add_all(attentions, p, prefix + ".attentions");
  add_all(resnets, p, prefix + ".resnets");
  if (upsampler) upsampler->add_to(p, prefix + ".upsamplers.0");
}

at::Tensor UpBlock2D::operator()(at::Tensor h, std::vector<at::Tensor>* skips, const at::Tensor& temb,
                                 const at::Tensor& context, bool sdpa,
                                 std::optional<std::pair<int64_t, int64_t>> upsample_size) const {
  for (size_t i = 0; i < resnets.size(); ++i) {
    if (skips) {
      h = at::cat({h, skips->back()}, 1);
      skips->pop_back();
    }
    h = resnets[i](h, temb);
    if (!attentions.empty()) h = attentions[i](h, context, sdpa);
  }
  if (upsampler) h = (*upsampler)(h, upsample_size);
  return h;
}

void MidBlock2DCrossAttn::add_to(Parameters& p, const std::string& prefix) {
  add_all(attentions, p, prefix + ".attentions");
  add_all(resnets, p, prefix + ".resnets");
}

at::Tensor MidBlock2DCrossAttn::operator()(at::Tensor h, const at::Tensor& temb, const at::Tensor& context,
                                           bool sdpa) const {
  h = resnets[0](h, temb);
  for (size_t i = 0; i < attentions.size(); ++i) h = resnets[i + 1](attentions[i](h, context, sdpa), temb);
  return h;
}

void MidBlock2D::add_to(Parameters& p, const std::string& prefix) {
  add_all(attentions, p, prefix + ".attentions");
  add_all(resnets, p, prefix + ".resnets");
}

at::Tensor MidBlock2D::operator()(at::Tensor h, bool sdpa) const {
  h = resnets[0](h, at::Tensor());
  for (size_t i = 1; i < resnets.size(); ++i) {
    if (!attentions.empty()) h = attentions[i - 1](h, at::Tensor(), sdpa);
    h = resnets[i](h, at::Tensor());
  }
  return h;
}

}  // namespace diffusers
