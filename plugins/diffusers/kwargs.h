// Reading a config or a method's keyword arguments: keys may be absent or
// None, then the default applies (diffusers' register_to_config defaults). A
// value of the wrong kind is an invalid argument naming the key.
#pragma once

#include <brick/sdk.h>

#include <string>
#include <vector>

namespace diffusers {

// Message text built by appending (GCC 12's -Wrestrict false positive on
// `"literal" + std::string`).
template <class... Parts>
std::string concat(const Parts&... parts) {
  std::string text;
  ((text += parts), ...);
  return text;
}

inline brick::Error invalid(const std::string& message) { return brick::Error(BRICK_ERR_INVALID_ARGUMENT, message); }

inline brick::ValueRef entry(brick::ValueRef dict, const char* key) {
  return dict.kind() == BRICK_VALUE_DICT ? dict[key] : brick::ValueRef();
}

template <class T>
T value_or(brick::ValueRef dict, const char* key, T fallback) {
  brick::ValueRef v = entry(dict, key);
  if (v.is_none()) return fallback;
  try {
    return v.as<T>();
  } catch (const brick::Error& e) {
    throw invalid(concat("'", key, "': ", e.what()));
  }
}

// A config entry that is one value for every block or a list with one per
// block (diffusers' `int | tuple[int]` arguments): always `count` values.
template <class T>
std::vector<T> per_block(brick::ValueRef dict, const char* key, T fallback, size_t count) {
  brick::ValueRef v = entry(dict, key);
  if (v.is_none()) return std::vector<T>(count, fallback);
  if (v.kind() != BRICK_VALUE_LIST) return std::vector<T>(count, value_or<T>(dict, key, fallback));
  std::vector<T> out = value_or<std::vector<T>>(dict, key, {});
  if (out.size() != count) {
    throw invalid(concat("'", key, "' has ", std::to_string(out.size()), " entries, one per block needs ",
                         std::to_string(count)));
  }
  return out;
}

inline std::string shape_text(at::IntArrayRef shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) text += ", ";
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

}  // namespace diffusers
