#include "model_methods.h"

#include <ATen/ops/scalar_tensor.h>

namespace diffusers {

at::Tensor tensor_argument(brick::ValueRef args, const char* key, const char* method, bool required) {
  brick::ValueRef v = entry(args, key);
  if (v.is_none()) {
    if (required) throw invalid(concat(method, " needs the keyword argument '", key, "'"));
    return at::Tensor();
  }
  if (!v.is_tensor()) throw invalid(concat(method, ": '", key, "' must be a tensor, got ", v.kind_name()));
  return v.as<at::Tensor>();
}

at::Tensor timestep_argument(brick::ValueRef args, const char* key, const char* method) {
  brick::ValueRef v = entry(args, key);
  switch (v.kind()) {
    case BRICK_VALUE_INT:
    case BRICK_VALUE_FLOAT:
      return at::scalar_tensor(v.as<double>(), at::kFloat);
    case BRICK_VALUE_TENSOR:
      return v.as<at::Tensor>();
    case BRICK_VALUE_NONE:
      throw invalid(concat(method, " needs the keyword argument '", key, "'"));
    default:
      throw invalid(concat(method, ": '", key, "' must be a number or a tensor, got ", v.kind_name()));
  }
}

brick::Value copy_value(brick::ValueRef v) {
  switch (v.kind()) {
    case BRICK_VALUE_BOOL:
      return brick::Value(v.as<bool>());
    case BRICK_VALUE_INT:
      return brick::Value(v.as<int64_t>());
    case BRICK_VALUE_FLOAT:
      return brick::Value(v.as<double>());
    case BRICK_VALUE_STRING:
      return brick::Value(v.as<std::string>());
    case BRICK_VALUE_TENSOR:
      return brick::Value(v.as<at::Tensor>());
    case BRICK_VALUE_LIST: {
      brick::Value out = brick::Value::list();
      for (size_t i = 0; i < v.size(); ++i) out.append(copy_value(v[i]));
      return out;
    }
    case BRICK_VALUE_DICT: {
      brick::Value out = brick::Value::dict();
      for (size_t i = 0; i < v.size(); ++i) out.set(v.key_at(i).c_str(), copy_value(v.value_at(i)));
      return out;
    }
    default:
      return brick::Value();
  }
}

at::ScalarType dtype_named(std::string name) {
  if (name.rfind("torch.", 0) == 0) name = name.substr(6);
  if (name == "float32" || name == "float") return at::kFloat;
  if (name == "float16" || name == "half") return at::kHalf;
  if (name == "bfloat16") return at::kBFloat16;
  if (name == "float64" || name == "double") return at::kDouble;
  throw invalid(concat("dtype '", name, "' is not one of float32, float16, bfloat16, float64"));
}

std::string dtype_name(at::ScalarType dtype) {
  switch (dtype) {
    case at::kHalf:
      return "torch.float16";
    case at::kBFloat16:
      return "torch.bfloat16";
    case at::kDouble:
      return "torch.float64";
    default:
      return "torch.float32";
  }
}

}  // namespace diffusers
