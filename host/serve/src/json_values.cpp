#include "json_values.h"

#include <algorithm>
#include <vector>

#include "brick/host/base/error.h"
#include "brick/host/value/json.h"
#include "brick/host/value/value_text.h"
#include "http_error.h"

namespace brick::serve {

namespace json = boost::json;

namespace {

std::string trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t");
  return std::string(text.substr(begin, end - begin + 1));
}

// Splits at `separator` outside brackets.
std::vector<std::string> split_top(std::string_view text, char separator) {
  std::vector<std::string> parts;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '[') ++depth;
    if (text[i] == ']') --depth;
    if (text[i] == separator && depth == 0) {
      parts.push_back(trim(text.substr(start, i - start)));
      start = i + 1;
    }
  }
  parts.push_back(trim(text.substr(start)));
  return parts;
}

// The base type names of a hint's alternatives: "Optional[List[int]]" ->
// {"List", "None"}.
void alternatives(std::string_view hint, std::vector<std::string>& out, std::vector<std::string>* inners) {
  for (const std::string& part : split_top(hint, '|')) {
    if (part.empty()) continue;
    size_t open = part.find('[');
    std::string base = part.substr(0, open);
    std::string inner =
        open == std::string::npos || part.back() != ']' ? "" : part.substr(open + 1, part.size() - open - 2);
    if (base == "Optional" || base == "typing.Optional") {
      alternatives(inner, out, inners);
      out.push_back("None");
      if (inners) inners->push_back("");
    } else if (base == "Union" || base == "typing.Union") {
      for (const std::string& each : split_top(inner, ',')) alternatives(each, out, inners);
    } else {
      out.push_back(base);
      if (inners) inners->push_back(inner);
    }
  }
}

bool is_tensor_object(const json::value& value) { return value.is_object() && value.as_object().contains("tensor"); }

// Whether one base type name accepts the value; `known` is cleared for a
// name this check does not know (it then accepts anything).
bool accepts(const std::string& type, const json::value& value, bool& known) {
  known = true;
  if (type == "str") return value.is_string();
  if (type == "int") return value.is_int64() || value.is_uint64();
  if (type == "float") return value.is_number();
  if (type == "bool") return value.is_bool();
  if (type == "None" || type == "NoneType") return value.is_null();
  if (type == "list" || type == "List" || type == "tuple" || type == "Tuple" || type == "Sequence")
    return value.is_array();
  if (type == "dict" || type == "Dict" || type == "Mapping") return value.is_object() && !is_tensor_object(value);
  if (type == "Tensor" || type == "torch.Tensor") return is_tensor_object(value);
  known = false;
  return true;
}

const char* expected_word(const std::string& type) {
  if (type == "str") return "a string";
  if (type == "int") return "an integer";
  if (type == "float") return "a number";
  if (type == "bool") return "true or false";
  if (type == "None" || type == "NoneType") return "null";
  if (type == "dict" || type == "Dict" || type == "Mapping") return "an object";
  if (type == "Tensor" || type == "torch.Tensor") return "a tensor ({\"tensor\": [...], \"dtype\": ...})";
  return "an array";
}

}  // namespace

void type_alternatives(std::string_view type_hint, std::vector<std::string>& bases, std::vector<std::string>* inner) {
  alternatives(type_hint, bases, inner);
}

const char* json_kind(const json::value& value) {
  switch (value.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
      return "an integer";
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return is_tensor_object(value) ? "a tensor" : "an object";
  }
  return "a value";
}

bool fits_type(const json::value& value, std::string_view type_hint, std::string* expected) {
  std::vector<std::string> types;
  alternatives(type_hint, types, nullptr);
  if (types.empty()) return true;
  std::string words;
  for (const std::string& type : types) {
    bool known = true;
    if (accepts(type, value, known)) return true;
    if (!known) return true;
    std::string word = expected_word(type);
    if (words.find(word) == std::string::npos) words += (words.empty() ? "" : " or ") + word;
  }
  if (expected) *expected = words + " (" + std::string(type_hint) + ")";
  return false;
}

host::Value input_value(const json::value& value, std::string_view name) {
  if (is_tensor_object(value)) {
    const json::object& object = value.as_object();
    const json::value& data = object.at("tensor");
    if (!data.is_array() && !data.is_number() && !data.is_bool()) {
      throw HttpError(
          400, "invalid_input",
          "input '" + std::string(name) + "': \"tensor\" must be a (nested) array of numbers, got " + json_kind(data));
    }
    std::string literal = "tensor(" + json::serialize(data);
    if (const json::value* dtype = object.if_contains("dtype")) {
      if (!dtype->is_string())
        throw HttpError(400, "invalid_input", "input '" + std::string(name) + "': \"dtype\" must be a string");
      literal += ", " + std::string(dtype->as_string());
    }
    literal += ")";
    try {
      return host::parse_value_text(literal, "", name);
    } catch (const host::Error& e) {
      throw HttpError(400, "invalid_input", e.what());
    }
  }
  switch (value.kind()) {
    case json::kind::array: {
      host::Value::List list;
      for (const json::value& item : value.as_array()) list.push_back(input_value(item, name));
      return host::Value::list(std::move(list));
    }
    case json::kind::object: {
      host::Value::Dict dict;
      for (const auto& [key, item] : value.as_object()) dict.emplace_back(std::string(key), input_value(item, name));
      return host::Value::dict(std::move(dict));
    }
    case json::kind::null:
      return host::Value();
    case json::kind::bool_:
      return host::Value(value.as_bool());
    case json::kind::int64:
      return host::Value(static_cast<long long>(value.as_int64()));
    case json::kind::uint64:
      return host::Value(static_cast<unsigned long long>(value.as_uint64()));
    case json::kind::double_:
      return host::Value(value.as_double());
    case json::kind::string:
      return host::Value(std::string(value.as_string()));
  }
  return host::Value();
}

json::value output_json(const host::Value& value, size_t max_tensor_items) {
  try {
    return json::parse(host::to_json(host::value_for_json(value, max_tensor_items)));
  } catch (const host::Error& e) {
    // Non-finite floats and the like: the value's repr instead.
    return json::value(json::string(host::format_value(value)));
  }
}

}  // namespace brick::serve
