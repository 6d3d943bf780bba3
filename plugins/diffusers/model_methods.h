// What UNet2DConditionModel and AutoencoderKL answer alike, as diffusers'
// ModelMixin does: load_state_dict, state_dict, to({device, dtype}), dtype,
// device, config; and reading their tensor arguments.
#pragma once

#include <ATen/core/Tensor.h>
#include <brick/sdk.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "kwargs.h"

namespace diffusers {

// A tensor keyword argument; absent or None is an error when required, an
// undefined tensor otherwise.
at::Tensor tensor_argument(brick::ValueRef args, const char* key, const char* method, bool required);
// A timestep: a number, or a 0-d or 1-d tensor.
at::Tensor timestep_argument(brick::ValueRef args, const char* key, const char* method);
// A deep copy of a borrowed value (a config kept past the call that gave it:
// borrowed values live only as long as that call).
brick::Value copy_value(brick::ValueRef v);

// "float16", "torch.float16", "half", ... -> the scalar type.
at::ScalarType dtype_named(std::string name);
std::string dtype_name(at::ScalarType dtype);

// Net: has static make(config), member `config` and `parameters`.
template <class Net>
brick::Value model_method(const std::string& method, brick::ValueRef args,
                          const std::function<std::shared_ptr<Net>()>& net,
                          const std::function<void(brick::ValueRef)>& load,
                          const std::function<void(std::shared_ptr<const Net>)>& replace,
                          const std::function<brick::Value(const std::string&, brick::ValueRef)>& otherwise) {
  if (method == "load_state_dict") {
    brick::ValueRef nested = entry(args, "state_dict");
    load(nested.kind() == BRICK_VALUE_DICT ? nested : args);
    return brick::Value();
  }
  if (method == "state_dict") return net()->parameters.state_dict();
  if (method == "to") {
    std::shared_ptr<Net> current = net();
    const at::Tensor& first = *current->parameters.slots().front().tensor;
    std::optional<std::string> device = value_or<std::optional<std::string>>(args, "device", std::nullopt);
    std::optional<std::string> dtype = value_or<std::optional<std::string>>(args, "dtype", std::nullopt);
    const at::Device target_device = device ? at::Device(*device) : first.device();
    const at::ScalarType target_dtype = dtype ? dtype_named(*dtype) : first.scalar_type();
    std::shared_ptr<Net> moved = Net::make(current->config);
    const auto& from = current->parameters.slots();
    const auto& to = moved->parameters.slots();
    for (size_t i = 0; i < from.size(); ++i) *to[i].tensor = from[i].tensor->to(target_device, target_dtype);
    replace(std::move(moved));
    return brick::Value();
  }
  if (method == "dtype") return brick::Value(dtype_name(net()->parameters.slots().front().tensor->scalar_type()));
  if (method == "device") return brick::Value(net()->parameters.slots().front().tensor->device().str());
  if (method == "memory_footprint") return brick::Value(net()->parameters.bytes());
  return otherwise(method, args);
}

}  // namespace diffusers
