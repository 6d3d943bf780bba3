#include "value_text.h"

#include <ATen/ATen.h>

#include <functional>

#include "brick/host/error.h"
#include "brick/host/json.h"

namespace brick::cli {

namespace {

using host::Error;
using host::Value;

std::string trim(const std::string& s) {
  size_t begin = s.find_first_not_of(" \t\n");
  size_t end = s.find_last_not_of(" \t\n");
  return begin == std::string::npos ? "" : s.substr(begin, end - begin + 1);
}

at::ScalarType dtype_named(const std::string& name) {
  static const std::pair<const char*, at::ScalarType> known[] = {
      {"float32", at::kFloat}, {"float", at::kFloat},     {"float64", at::kDouble}, {"double", at::kDouble},
      {"float16", at::kHalf},  {"half", at::kHalf},       {"bfloat16", at::kBFloat16}, {"int64", at::kLong},
      {"long", at::kLong},     {"int32", at::kInt},       {"int", at::kInt},        {"int16", at::kShort},
      {"int8", at::kChar},     {"uint8", at::kByte},      {"bool", at::kBool}};
  std::string bare = name.rfind("torch.", 0) == 0 ? name.substr(6) : name;
  for (const auto& [n, type] : known) {
    if (bare == n) return type;
  }
  throw Error(BRICK_ERR_INVALID_ARGUMENT, "unknown dtype '" + name + "'");
}

// Walks a nested JSON list: its shape, its numbers, whether any was a float
// or a bool (torch.tensor's dtype inference).
void flatten(const Value& v, size_t depth, std::vector<int64_t>& shape, std::vector<double>& data, bool& any_float,
             bool& all_bool) {
  if (v.kind() == Value::Kind::List) {
    const auto& items = v.as_list();
    if (shape.size() == depth) {
      shape.resize(depth + 1, static_cast<int64_t>(items.size()));
    } else if (shape[depth] != static_cast<int64_t>(items.size())) {
      throw Error(BRICK_ERR_INVALID_ARGUMENT, "tensor(...) rows differ in length");
    }
    for (const Value& item : items) flatten(item, depth + 1, shape, data, any_float, all_bool);
    return;
  }
  if (depth != shape.size()) throw Error(BRICK_ERR_INVALID_ARGUMENT, "tensor(...) is not rectangular");
  switch (v.kind()) {
    case Value::Kind::Bool: data.push_back(v.as_bool() ? 1.0 : 0.0); break;
    case Value::Kind::Int: data.push_back(static_cast<double>(v.as_int())); all_bool = false; break;
    case Value::Kind::Float: data.push_back(v.as_float()); any_float = true; all_bool = false; break;
    default: throw Error(BRICK_ERR_INVALID_ARGUMENT, std::string("tensor(...) holds a ") + v.kind_name());
  }
}

Value parse_tensor(const std::string& inner) {
  // "<json>[, dtype]": the dtype, when given, follows the last ']'.
  std::string body = trim(inner), dtype;
  size_t close = body.rfind(']');
  if (close != std::string::npos && close + 1 < body.size()) {
    std::string rest = trim(body.substr(close + 1));
    if (rest.empty() || rest[0] != ',') throw Error(BRICK_ERR_INVALID_ARGUMENT, "expected tensor(<list>, dtype)");
    dtype = trim(rest.substr(1));
    if (dtype.rfind("dtype=", 0) == 0) dtype = trim(dtype.substr(6));
    body = body.substr(0, close + 1);
  }
  Value list = host::parse_json(body);
  std::vector<int64_t> shape;
  std::vector<double> data;
  bool any_float = false, all_bool = true;
  flatten(list, 0, shape, data, any_float, all_bool);
  at::ScalarType type = !dtype.empty()            ? dtype_named(dtype)
                        : any_float || data.empty() ? at::kFloat
                        : all_bool                  ? at::kBool
                                                    : at::kLong;
  at::Tensor t = at::tensor(data, at::TensorOptions().dtype(at::kDouble)).reshape(shape).to(type);
  return Value(t);
}

}  // namespace

Value parse_value(const std::string& text) {
  std::string t = trim(text);
  if (t.rfind("tensor(", 0) == 0 && t.back() == ')') return parse_tensor(t.substr(7, t.size() - 8));
  try {
    return host::parse_json(t);
  } catch (const Error&) {
    return Value(text);  // plain text
  }
}

std::pair<std::string, Value> parse_assignment(const std::string& argument) {
  size_t eq = argument.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw Error(BRICK_ERR_INVALID_ARGUMENT, "expected NAME=VALUE, got '" + argument + "'");
  }
  return {argument.substr(0, eq), parse_value(argument.substr(eq + 1))};
}

std::string format_value(const Value& value, size_t max_items) {
  std::string out = value.repr();
  if (!value.is_tensor()) return out;
  at::Tensor t = value.as_tensor();
  if (static_cast<size_t>(t.numel()) > max_items) return out;
  bool integral = !at::isFloatingType(t.scalar_type()) && !at::isComplexType(t.scalar_type());
  at::Tensor flat = t.detach().to(at::kCPU).to(at::kDouble).contiguous().reshape({-1});
  const double* data = flat.data_ptr<double>();
  // Nested lists, like torch's tolist().
  std::function<std::string(size_t, size_t&)> render = [&](size_t dim, size_t& index) -> std::string {
    if (dim == static_cast<size_t>(t.dim())) {
      double x = data[index++];
      return integral ? Value(static_cast<int64_t>(x)).repr() : Value(x).repr();
    }
    std::string s = "[";
    for (int64_t i = 0; i < t.size(static_cast<int64_t>(dim)); ++i) s += (i ? ", " : "") + render(dim + 1, index);
    return s + "]";
  };
  size_t index = 0;
  return out + "\n    " + render(0, index);
}

}  // namespace brick::cli
