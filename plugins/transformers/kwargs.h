// Reading a component's config or a method's keyword arguments: a dict whose
// keys may be absent or None, in which case the default applies (as
// transformers' config defaults do). A value of the wrong kind is an invalid
// argument naming the key, not a bare type mismatch.
#pragma once

#include <brick/sdk.h>

#include <string>

namespace transformers {

// Message text without `"literal" + std::string` (GCC 12's -Wrestrict false
// positive): every part is appended in turn.
template <class... Parts>
std::string concat(const Parts&... parts) {
  std::string text;
  ((text += parts), ...);
  return text;
}

inline brick::Error invalid(const std::string& message) { return brick::Error(BRICK_ERR_INVALID_ARGUMENT, message); }

template <class T>
T value_or(brick::ValueRef dict, const char* key, T fallback) {
  brick::ValueRef v = dict.kind() == BRICK_VALUE_DICT ? dict[key] : brick::ValueRef();
  if (v.is_none()) return fallback;
  try {
    return v.as<T>();
  } catch (const brick::Error& e) {
    throw invalid(concat("'", key, "': ", e.what()));
  }
}

// A required keyword argument.
template <class T>
T required(brick::ValueRef dict, const char* key, const char* method) {
  if (dict.kind() != BRICK_VALUE_DICT || dict[key].is_none()) {
    throw invalid(concat(method, " needs the keyword argument '", key, "'"));
  }
  return value_or<T>(dict, key, T{});
}

}  // namespace transformers
