// Values as a block sees them: ValueRef borrows a host value, Value owns one.
// Both convert to and from C++ types:
//
//   bool, integers, floating point, std::string, at::Tensor,
//   std::vector<T>, std::map<std::string, T>, std::optional<T> (None <-> nullopt)
//
// Tensors cross without a copy: by native handle for plugins built against the
// host's LibTorch (the default), or as DLPack when the plugin is compiled with
// BRICK_SDK_TENSOR_EXCHANGE_DLPACK.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "brick/brick_abi.h"
#include "brick/sdk/error.h"

namespace brick {

namespace detail {
// Set by the plugin's entry point (brick/plugin.h defines it).
extern const brick_host_api* g_host;
inline const brick_host_api& host() { return *g_host; }

// For host calls without a ctx: their message is last_error(NULL) (ABI 1.2).
inline void check(brick_status status, const char* what) {
  if (status == BRICK_OK) return;
  const char* message = host().last_error(nullptr);
  throw Error(status, std::string(what) + ": " + (message && *message ? message : brick_status_name(status)));
}

inline const char* kind_name(brick_value_kind kind) {
  switch (kind) {
    case BRICK_VALUE_NONE: return "None";
    case BRICK_VALUE_BOOL: return "bool";
    case BRICK_VALUE_INT: return "int";
    case BRICK_VALUE_FLOAT: return "float";
    case BRICK_VALUE_STRING: return "str";
    case BRICK_VALUE_LIST: return "list";
    case BRICK_VALUE_DICT: return "dict";
    case BRICK_VALUE_TENSOR: return "Tensor";
    case BRICK_VALUE_OBJECT: return "object";
    default: return "unknown";
  }
}

// Defined in brick/plugin.h, where the tensor exchange is chosen.
at::Tensor tensor_from_value(brick_value v);
brick_value tensor_to_value(const at::Tensor& t);
}  // namespace detail

template <class T, class Enable = void>
struct Convert;  // specialised below: static T from(brick_value), static brick_value to(const T&)

// A borrowed value: valid until the block call returns (see brick_abi.h).
class ValueRef {
 public:
  ValueRef() = default;
  explicit ValueRef(brick_value v) : v_(v) {}

  brick_value handle() const { return v_; }
  // An absent value (no handle) reads as None.
  brick_value_kind kind() const {
    return v_ ? detail::host().value_kind(v_) : BRICK_VALUE_NONE;
  }
  const char* kind_name() const { return detail::kind_name(kind()); }
  bool is_none() const { return kind() == BRICK_VALUE_NONE; }
  bool is_tensor() const { return kind() == BRICK_VALUE_TENSOR; }

  template <class T>
  T as() const {
    return Convert<T>::from(v_);
  }

  // Lists and dicts.
  size_t size() const { return v_ ? detail::host().value_size(v_) : 0; }
  ValueRef operator[](size_t index) const {
    return ValueRef(detail::host().value_list_at(v_, index));
  }
  ValueRef operator[](const char* key) const {
    return ValueRef(detail::host().value_dict_get(v_, key));
  }
  std::string key_at(size_t index) const {
    const char* key = detail::host().value_dict_key_at(v_, index);
    return key ? key : "";
  }
  ValueRef value_at(size_t index) const { return ValueRef(detail::host().value_dict_at(v_, index)); }

 private:
  brick_value v_ = nullptr;
};

// An owned value, released when it goes out of scope.
class Value {
 public:
  Value();
  template <class T, class = std::enable_if_t<!std::is_same_v<std::decay_t<T>, Value>>>
  Value(const T& x);
  Value(const char* s);
  // Keeps the identity of the borrowed value (no write-back if stored unchanged).
  static Value retain(ValueRef ref) { return adopt(detail::host().value_retain(ref.handle())); }
  static Value adopt(brick_value owned) {
    Value v(nullptr_tag{});
    v.v_ = owned;
    return v;
  }
  static Value list() { return adopt(detail::host().value_new_list()); }
  static Value dict() { return adopt(detail::host().value_new_dict()); }

  Value(Value&& other) noexcept : v_(std::exchange(other.v_, nullptr)) {}
  Value& operator=(Value&& other) noexcept {
    if (this != &other) {
      reset();
      v_ = std::exchange(other.v_, nullptr);
    }
    return *this;
  }
  Value(const Value&) = delete;
  Value& operator=(const Value&) = delete;
  ~Value() { reset(); }

  ValueRef ref() const { return ValueRef(v_); }
  brick_value release() { return std::exchange(v_, nullptr); }

  // Growing a new list or dict; chains, also on a temporary:
  //   Value::list().append(1).append(Value::dict().set("t", t))
  Value& append(Value item) & {
    detail::check(detail::host().value_list_append(v_, item.release()), "list append");
    return *this;
  }
  Value&& append(Value item) && { return std::move(append(std::move(item))); }
  Value& set(const char* key, Value item) & {
    detail::check(detail::host().value_dict_set(v_, key, item.release()), "dict set");
    return *this;
  }
  Value&& set(const char* key, Value item) && { return std::move(set(key, std::move(item))); }

 private:
  struct nullptr_tag {};
  explicit Value(nullptr_tag) {}
  void reset() {
    if (v_) detail::host().value_release(std::exchange(v_, nullptr));
  }
  brick_value v_ = nullptr;
};

namespace detail {
[[noreturn]] inline void type_error(brick_value v, const char* wanted) {
  brick_value_kind kind = v ? host().value_kind(v) : BRICK_VALUE_NONE;
  throw Error(BRICK_ERR_TYPE_MISMATCH,
              std::string("expected ") + wanted + ", got " + kind_name(kind));
}
}  // namespace detail

template <>
struct Convert<bool> {
  static bool from(brick_value v) {
    int32_t b = 0;
    if (!v || detail::host().value_to_bool(v, &b) != BRICK_OK) detail::type_error(v, "bool");
    return b != 0;
  }
  static brick_value to(bool b) { return detail::host().value_new_bool(b ? 1 : 0); }
};

template <class T>
struct Convert<T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>>> {
  static T from(brick_value v) {
    int64_t i = 0;
    if (!v || detail::host().value_to_int(v, &i) != BRICK_OK) detail::type_error(v, "int");
    return static_cast<T>(i);
  }
  static brick_value to(T i) { return detail::host().value_new_int(static_cast<int64_t>(i)); }
};

template <class T>
struct Convert<T, std::enable_if_t<std::is_floating_point_v<T>>> {
  static T from(brick_value v) {
    double d = 0;
    if (!v || detail::host().value_to_float(v, &d) != BRICK_OK) detail::type_error(v, "float");
    return static_cast<T>(d);
  }
  static brick_value to(T d) { return detail::host().value_new_float(static_cast<double>(d)); }
};

template <>
struct Convert<std::string> {
  static std::string from(brick_value v) {
    const char* data = nullptr;
    size_t size = 0;
    if (!v || detail::host().value_to_string(v, &data, &size) != BRICK_OK) detail::type_error(v, "str");
    return std::string(data, size);
  }
  static brick_value to(std::string_view s) { return detail::host().value_new_string(s.data(), s.size()); }
};

template <>
struct Convert<at::Tensor> {
  static at::Tensor from(brick_value v) {
    if (!v || detail::host().value_kind(v) != BRICK_VALUE_TENSOR) detail::type_error(v, "Tensor");
    return detail::tensor_from_value(v);
  }
  static brick_value to(const at::Tensor& t) {
    return t.defined() ? detail::tensor_to_value(t) : detail::host().value_new_none();
  }
};

template <>
struct Convert<ValueRef> {
  static ValueRef from(brick_value v) { return ValueRef(v); }
  // An absent value (no handle) stores as None.
  static brick_value to(const ValueRef& r) {
    return r.handle() ? detail::host().value_retain(r.handle()) : detail::host().value_new_none();
  }
};

template <>
struct Convert<std::nullptr_t> {
  static brick_value to(std::nullptr_t) { return detail::host().value_new_none(); }
};

template <class T>
struct Convert<std::optional<T>> {
  static std::optional<T> from(brick_value v) {
    if (!v || detail::host().value_kind(v) == BRICK_VALUE_NONE) return std::nullopt;
    return Convert<T>::from(v);
  }
  static brick_value to(const std::optional<T>& x) {
    return x ? Convert<T>::to(*x) : detail::host().value_new_none();
  }
};

template <class T>
struct Convert<std::vector<T>> {
  static std::vector<T> from(brick_value v) {
    if (!v || detail::host().value_kind(v) != BRICK_VALUE_LIST) detail::type_error(v, "list");
    size_t n = detail::host().value_size(v);
    std::vector<T> out;
    out.reserve(n);
    for (size_t i = 0; i < n; ++i) out.push_back(Convert<T>::from(detail::host().value_list_at(v, i)));
    return out;
  }
  static brick_value to(const std::vector<T>& items) {
    Value list = Value::list();
    for (const T& item : items) list.append(Value(item));
    return list.release();
  }
};

template <class T>
struct Convert<std::map<std::string, T>> {
  static std::map<std::string, T> from(brick_value v) {
    if (!v || detail::host().value_kind(v) != BRICK_VALUE_DICT) detail::type_error(v, "dict");
    std::map<std::string, T> out;
    size_t n = detail::host().value_size(v);
    for (size_t i = 0; i < n; ++i) {
      out.emplace(detail::host().value_dict_key_at(v, i), Convert<T>::from(detail::host().value_dict_at(v, i)));
    }
    return out;
  }
  static brick_value to(const std::map<std::string, T>& items) {
    Value dict = Value::dict();
    for (const auto& [key, item] : items) dict.set(key.c_str(), Value(item));
    return dict.release();
  }
};

inline Value::Value() : v_(detail::host().value_new_none()) {}
template <class T, class>
Value::Value(const T& x) : v_(Convert<std::decay_t<T>>::to(x)) {}
inline Value::Value(const char* s) : v_(Convert<std::string>::to(s)) {}

}  // namespace brick
