// Reading a component's config or a method's keyword arguments: a dict whose
// keys may be absent or None, in which case the default applies (as
// diffusers' register_to_config defaults do). A value of the wrong kind is an
// invalid argument naming the key, not a bare type mismatch.
#pragma once

#include <string>

#include <brick/sdk.h>

namespace shapes {

// Message text without `"literal" + std::string` (GCC 12's -Wrestrict false
// positive): every part is appended in turn.
template <class... Parts>
std::string concat(const Parts&... parts) {
  std::string text;
  ((text += parts), ...);
  return text;
}

template <class T>
T value_or(brick::ValueRef dict, const char* key, T fallback) {
  brick::ValueRef v = dict[key];
  if (v.is_none()) return fallback;
  try {
    return v.as<T>();
  } catch (const brick::Error& e) {
    std::string message = "'";
    message += key;
    message += "': ";
    message += e.what();
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, message);
  }
}

// A required keyword argument.
template <class T>
T required(brick::ValueRef dict, const char* key, const char* method) {
  if (dict[key].is_none()) {
    std::string message = method;
    message += " needs the keyword argument '";
    message += key;
    message += "'";
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, message);
  }
  return value_or<T>(dict, key, T{});
}

}  // namespace shapes
