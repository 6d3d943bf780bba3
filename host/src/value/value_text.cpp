#include "brick/host/value/value_text.h"

#include <ATen/ATen.h>

#include <cctype>
#include <functional>
#include <optional>
#include <vector>

#include "brick/host/base/error.h"
#include "brick/host/value/json.h"

namespace brick::host {

namespace {

std::string_view trim(std::string_view s) {
  size_t begin = s.find_first_not_of(" \t\n\r");
  if (begin == std::string_view::npos) return {};
  size_t end = s.find_last_not_of(" \t\n\r");
  return s.substr(begin, end - begin + 1);
}

at::ScalarType dtype_named(std::string_view name) {
  static const std::pair<const char*, at::ScalarType> known[] = {
      {"float32", at::kFloat}, {"float", at::kFloat}, {"float64", at::kDouble},    {"double", at::kDouble},
      {"float16", at::kHalf},  {"half", at::kHalf},   {"bfloat16", at::kBFloat16}, {"int64", at::kLong},
      {"long", at::kLong},     {"int32", at::kInt},   {"int", at::kInt},           {"int16", at::kShort},
      {"int8", at::kChar},     {"uint8", at::kByte},  {"bool", at::kBool}};
  std::string_view bare = name.substr(0, 6) == "torch." ? name.substr(6) : name;
  for (const auto& [n, type] : known) {
    if (bare == n) return type;
  }
  throw Error(BRICK_ERR_INVALID_ARGUMENT, "unknown dtype '" + std::string(name) + "'");
}

// The most elements a tensor literal may have (2^20): a typed value, not a
// way to load data; larger tensors come from files (safetensors).
constexpr size_t kMaxTensorLiteralElements = size_t{1} << 20;

// Walks a nested JSON list: its shape, its numbers, whether any was a float
// or a bool (torch.tensor's dtype inference). `rank` is the depth of the
// first number seen: every number must be that deep and no list that deep,
// so the shape's product is the number of elements.
struct TensorLiteral {
  std::vector<int64_t> shape;
  std::vector<double> data;
  std::optional<size_t> rank;
  bool any_float = false;
  bool all_bool = true;
};

void flatten(const Value& v, size_t depth, TensorLiteral& out) {
  if (v.kind() == Value::Kind::List) {
    if (out.rank && depth >= *out.rank) throw Error(BRICK_ERR_INVALID_ARGUMENT, "tensor(...) is not rectangular");
    const auto& items = v.as_list();
    if (out.shape.size() == depth) {
      // resize, not push_back: GCC 12 at -O3 warns (falsely) about the latter here.
      out.shape.resize(depth + 1, static_cast<int64_t>(items.size()));
    } else if (out.shape[depth] != static_cast<int64_t>(items.size())) {
      throw Error(BRICK_ERR_INVALID_ARGUMENT, "tensor(...) rows differ in length");
    }
    for (const Value& item : items) flatten(item, depth + 1, out);
    return;
  }
  if (depth != out.shape.size() || (out.rank && depth != *out.rank)) {
    throw Error(BRICK_ERR_INVALID_ARGUMENT, "tensor(...) is not rectangular");
  }
  out.rank = depth;
  if (out.data.size() == kMaxTensorLiteralElements) {
    throw Error(BRICK_ERR_INVALID_ARGUMENT, "tensor(...) has more than " + std::to_string(kMaxTensorLiteralElements) +
                                                " elements (the most a tensor literal may have)");
  }
  switch (v.kind()) {
    case Value::Kind::Bool:
      out.data.push_back(v.as_bool() ? 1.0 : 0.0);
      break;
    case Value::Kind::Int:
      out.data.push_back(static_cast<double>(v.as_int()));
      out.all_bool = false;
      break;
    case Value::Kind::Float:
      out.data.push_back(v.as_float());
      out.any_float = true;
      out.all_bool = false;
      break;
    default:
      throw Error(BRICK_ERR_INVALID_ARGUMENT, std::string("tensor(...) holds a ") + v.kind_name());
  }
}

// "<json>[, dtype]" inside tensor(...): the dtype, when given, follows the last ']'.
Value parse_tensor(std::string_view inner) {
  std::string_view body = trim(inner), dtype;
  size_t close = body.rfind(']');
  if (close != std::string_view::npos && close + 1 < body.size()) {
    std::string_view rest = trim(body.substr(close + 1));
    if (rest.empty() || rest[0] != ',') throw Error(BRICK_ERR_INVALID_ARGUMENT, "expected tensor(<list>, dtype)");
    dtype = trim(rest.substr(1));
    if (dtype.substr(0, 6) == "dtype=") dtype = trim(dtype.substr(6));
    body = body.substr(0, close + 1);
  }
  Value list = parse_json(body);
  TensorLiteral literal;
  flatten(list, 0, literal);
  at::ScalarType type = !dtype.empty()                              ? dtype_named(dtype)
                        : literal.any_float || literal.data.empty() ? at::kFloat
                        : literal.all_bool                          ? at::kBool
                                                                    : at::kLong;
  return Value(at::tensor(literal.data, at::TensorOptions().dtype(at::kDouble)).reshape(literal.shape).to(type));
}

// The alternatives of a type hint, lower-cased and without their element
// types: "Optional[str]" -> {"str", "none"}, "str | list[str]" -> {"str", "list"}.
std::vector<std::string> alternatives(std::string_view hint) {
  std::vector<std::string> out;
  std::string current;
  int depth = 0;
  auto flush = [&] {
    std::string_view t = trim(current);
    std::string word(t);
    for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (word.rfind("typing.", 0) == 0) word = word.substr(7);
    if (word.rfind("optional[", 0) == 0 && word.back() == ']') {
      for (std::string& inner : alternatives(word.substr(9, word.size() - 10))) out.push_back(inner);
      out.push_back("none");
    } else if (word.rfind("union[", 0) == 0 && word.back() == ']') {
      std::string inner = word.substr(6, word.size() - 7);
      std::string piped;
      int d = 0;
      for (char c : inner) {
        d += (c == '[') - (c == ']');
        piped += (c == ',' && d == 0) ? '|' : c;
      }
      for (std::string& alt : alternatives(piped)) out.push_back(alt);
    } else if (!word.empty()) {
      size_t bracket = word.find('[');
      out.push_back(bracket == std::string::npos ? word : word.substr(0, bracket));
    }
    current.clear();
  };
  for (char c : hint) {
    if (c == '[') ++depth;
    if (c == ']') --depth;
    if (c == '|' && depth == 0) {
      flush();
    } else {
      current += c;
    }
  }
  flush();
  return out;
}

bool has(const std::vector<std::string>& types, std::initializer_list<const char*> names) {
  for (const std::string& t : types) {
    for (const char* n : names) {
      if (t == n) return true;
    }
  }
  return false;
}

std::optional<Value> as_json(std::string_view text) {
  try {
    return parse_json(text);
  } catch (const Error&) {
    return std::nullopt;
  }
}

// torch's tolist(): nested lists of Python ints, floats or bools.
Value tensor_to_list(const at::Tensor& t) {
  bool integral = !at::isFloatingType(t.scalar_type()) && !at::isComplexType(t.scalar_type());
  bool boolean = t.scalar_type() == at::kBool;
  at::Tensor flat = t.detach().to(at::kCPU).to(at::kDouble).contiguous().reshape({-1});
  const double* data = flat.data_ptr<double>();
  std::function<Value(int64_t, size_t&)> render = [&](int64_t dim, size_t& index) -> Value {
    if (dim == t.dim()) {
      double x = data[index++];
      return boolean ? Value(x != 0) : integral ? Value(static_cast<int64_t>(x)) : Value(x);
    }
    Value::List items;
    for (int64_t i = 0; i < t.size(dim); ++i) items.push_back(render(dim + 1, index));
    return Value::list(std::move(items));
  };
  size_t index = 0;
  return render(0, index);
}

// "float32", "int64", ...: the names tensor(...) literals take.
std::string dtype_name(at::ScalarType type) {
  static const std::pair<at::ScalarType, const char*> names[] = {
      {at::kFloat, "float32"}, {at::kDouble, "float64"}, {at::kHalf, "float16"}, {at::kBFloat16, "bfloat16"},
      {at::kLong, "int64"},    {at::kInt, "int32"},      {at::kShort, "int16"},  {at::kChar, "int8"},
      {at::kByte, "uint8"},    {at::kBool, "bool"}};
  for (const auto& [t, name] : names) {
    if (t == type) return name;
  }
  return c10::toString(type);
}

}  // namespace

Value parse_value_text(std::string_view text, std::string_view type_hint, std::string_view name) {
  std::string_view t = trim(text);
  if (t.substr(0, 7) == "tensor(") {
    if (t.back() != ')') {
      throw Error(BRICK_ERR_INVALID_ARGUMENT, (name.empty() ? std::string() : "input '" + std::string(name) + "': ") +
                                                  "unterminated tensor literal '" + std::string(t.substr(0, 40)) +
                                                  (t.size() > 40 ? "...'" : "'") +
                                                  " (expected tensor(<list>[, dtype]))");
    }
    try {
      return parse_tensor(t.substr(7, t.size() - 8));
    } catch (const Error& e) {
      if (name.empty()) throw;
      throw Error(e.status(), "input '" + std::string(name) + "': " + e.what());
    }
  }
  std::vector<std::string> types = alternatives(type_hint);
  const bool known = has(types, {"str", "int", "float", "bool", "list", "tuple", "dict", "none"});
  if (!known) {
    std::optional<Value> json = as_json(t);
    return json ? std::move(*json) : Value(std::string(text));  // plain text
  }
  if (has(types, {"list", "tuple"}) && !t.empty() && t.front() == '[') {
    if (auto json = as_json(t); json && json->kind() == Value::Kind::List) return std::move(*json);
  }
  if (has(types, {"dict"}) && !t.empty() && t.front() == '{') {
    if (auto json = as_json(t); json && json->kind() == Value::Kind::Dict) return std::move(*json);
  }
  if (has(types, {"none"}) && (t == "None" || t == "null")) return Value();
  if (has(types, {"str"})) return Value(std::string(text));
  if (auto json = as_json(t)) {
    Value::Kind kind = json->kind();
    if (kind == Value::Kind::Int && has(types, {"int", "float"})) return std::move(*json);
    if (kind == Value::Kind::Float && has(types, {"float"})) return std::move(*json);
    if (kind == Value::Kind::Bool && has(types, {"bool"})) return std::move(*json);
  }
  if (has(types, {"bool"})) {
    if (t == "True" || t == "yes" || t == "on") return Value(true);
    if (t == "False" || t == "no" || t == "off") return Value(false);
  }
  std::string message = name.empty() ? std::string("a value") : "input '" + std::string(name) + "'";
  message += " expects " + std::string(type_hint) + ", got '" + std::string(text) + "'";
  throw Error(BRICK_ERR_INVALID_ARGUMENT, message);
}

std::pair<std::string, std::string> split_assignment(std::string_view argument) {
  size_t eq = argument.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    throw Error(BRICK_ERR_INVALID_ARGUMENT, "expected NAME=VALUE, got '" + std::string(argument) + "'");
  }
  return {std::string(argument.substr(0, eq)), std::string(argument.substr(eq + 1))};
}

std::string format_value(const Value& value, size_t max_items) {
  std::string out = value.repr();
  if (!value.is_tensor() || static_cast<size_t>(value.as_tensor().numel()) > max_items) return out;
  return out + "\n    " + tensor_to_list(value.as_tensor()).repr();
}

Value value_for_json(const Value& value, size_t max_items) {
  switch (value.kind()) {
    case Value::Kind::Tensor: {
      at::Tensor t = value.as_tensor();
      Value::List shape;
      for (int64_t size : t.sizes()) shape.emplace_back(size);
      Value::Dict out;
      if (static_cast<size_t>(t.numel()) <= max_items) out.emplace_back("tensor", tensor_to_list(t));
      out.emplace_back("dtype", Value(dtype_name(t.scalar_type())));
      out.emplace_back("shape", Value::list(std::move(shape)));
      return Value::dict(std::move(out));
    }
    case Value::Kind::List: {
      Value::List items;
      for (const Value& item : value.as_list()) items.push_back(value_for_json(item, max_items));
      return Value::list(std::move(items));
    }
    case Value::Kind::Dict: {
      Value::Dict entries;
      for (const auto& [key, item] : value.as_dict()) entries.emplace_back(key, value_for_json(item, max_items));
      return Value::dict(std::move(entries));
    }
    case Value::Kind::Object:
      return Value::dict({{"object", Value(value.repr())}});
    default:
      return value;
  }
}

}  // namespace brick::host
