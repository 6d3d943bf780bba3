// JSON text for declarations: defaults, configs and metadata cross the ABI as
// JSON text (brick_input_param.default_json and friends). This writes it from
// plain C++ values; the host does all parsing.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "brick/sdk/error.h"

namespace brick {

// JSON text given verbatim, e.g. Json{R"({"mellon": "slider"})"}.
struct Json {
  std::string text;
};

namespace json_text {

inline void append_string(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static const char* hex = "0123456789abcdef";
          out += "\\u00";
          out += hex[(c >> 4) & 0xf];
          out += hex[c & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

template <class T>
void append(std::string& out, const T& value);

template <class T>
struct Writer;

template <>
struct Writer<std::nullptr_t> {
  static void write(std::string& out, std::nullptr_t) { out += "null"; }
};
template <>
struct Writer<bool> {
  static void write(std::string& out, bool b) { out += b ? "true" : "false"; }
};
template <>
struct Writer<std::string> {
  static void write(std::string& out, const std::string& s) { append_string(out, s); }
};
template <>
struct Writer<std::string_view> {
  static void write(std::string& out, std::string_view s) { append_string(out, s); }
};
template <>
struct Writer<const char*> {
  static void write(std::string& out, const char* s) { append_string(out, s); }
};
template <>
struct Writer<Json> {
  static void write(std::string& out, const Json& j) { out += j.text; }
};
template <class T>
struct Writer<std::optional<T>> {
  static void write(std::string& out, const std::optional<T>& v) {
    if (v) append(out, *v); else out += "null";
  }
};
template <class T>
struct Writer<std::vector<T>> {
  static void write(std::string& out, const std::vector<T>& items) {
    out += '[';
    for (size_t i = 0; i < items.size(); ++i) {
      if (i) out += ", ";
      append(out, items[i]);
    }
    out += ']';
  }
};
template <class T>
struct Writer<std::map<std::string, T>> {
  static void write(std::string& out, const std::map<std::string, T>& items) {
    out += '{';
    bool first = true;
    for (const auto& [key, value] : items) {
      if (!first) out += ", ";
      first = false;
      append_string(out, key);
      out += ": ";
      append(out, value);
    }
    out += '}';
  }
};

template <class T>
void append(std::string& out, const T& value) {
  using D = std::decay_t<T>;
  if constexpr (std::is_same_v<D, bool>) {
    Writer<bool>::write(out, value);
  } else if constexpr (std::is_integral_v<D>) {
    out += std::to_string(value);
  } else if constexpr (std::is_floating_point_v<D>) {
    if (!std::isfinite(value)) throw Error(BRICK_ERR_INVALID_ARGUMENT, "JSON has no NaN or infinity");
    char buf[32];
    auto res = std::to_chars(buf, buf + sizeof buf, static_cast<double>(value));
    std::string_view text(buf, static_cast<size_t>(res.ptr - buf));
    out += text;
    // Keep floats floats: 1.0 must not read back as the integer 1.
    if (text.find_first_of(".eE") == std::string_view::npos) out += ".0";
  } else if constexpr (std::is_same_v<D, char*> || std::is_array_v<T>) {
    append_string(out, value);
  } else {
    Writer<D>::write(out, value);
  }
}

}  // namespace json_text

// The JSON text of a C++ value: null, bool, number, string, vector, map,
// optional, or Json for verbatim text.
template <class T>
std::string to_json(const T& value) {
  std::string out;
  json_text::append(out, value);
  return out;
}

}  // namespace brick
