#include "dict_reader.h"

#include <utility>

namespace core {

brick::Value copy_dict(brick::ValueRef dict) {
  brick::Value out = brick::Value::dict();
  if (dict.kind() != BRICK_VALUE_DICT) return out;
  for (size_t i = 0; i < dict.size(); ++i) out.set(dict.key_at(i).c_str(), brick::Value::retain(dict.value_at(i)));
  return out;
}

DictReader::DictReader(brick::ValueRef dict, std::string what) : dict_(dict), what_(std::move(what)) {
  brick_value_kind kind = dict_.kind();
  if (kind != BRICK_VALUE_NONE && kind != BRICK_VALUE_DICT) {
    std::string message = what_;
    message += ": expected a dict of keyword arguments, got ";
    message += dict_.kind_name();
    throw brick::Error(BRICK_ERR_TYPE_MISMATCH, message);
  }
}

brick::ValueRef DictReader::at(const char* key) const {
  if (dict_.kind() != BRICK_VALUE_DICT) return brick::ValueRef();
  return dict_[key];
}

bool DictReader::has(const char* key) const { return !at(key).is_none(); }

void DictReader::fail(const char* key, const std::string& problem) const {
  std::string message = what_;
  message += ": '";
  message += key;
  message += "': ";
  message += problem;
  throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, message);
}

int64_t DictReader::get_int(const char* key, int64_t fallback) const {
  brick::ValueRef v = at(key);
  if (v.is_none()) return fallback;
  if (v.kind() == BRICK_VALUE_FLOAT) {
    // JSON written by Python may carry 1000.0 for an int.
    double d = v.as<double>();
    if (d != static_cast<double>(static_cast<int64_t>(d))) fail(key, "expected an integer");
    return static_cast<int64_t>(d);
  }
  if (v.kind() != BRICK_VALUE_INT) fail(key, std::string("expected int, got ") + v.kind_name());
  return v.as<int64_t>();
}

double DictReader::get_double(const char* key, double fallback) const {
  brick::ValueRef v = at(key);
  if (v.is_none()) return fallback;
  if (v.kind() != BRICK_VALUE_FLOAT && v.kind() != BRICK_VALUE_INT) {
    fail(key, std::string("expected float, got ") + v.kind_name());
  }
  return v.as<double>();
}

bool DictReader::get_bool(const char* key, bool fallback) const {
  brick::ValueRef v = at(key);
  if (v.is_none()) return fallback;
  if (v.kind() != BRICK_VALUE_BOOL) fail(key, std::string("expected bool, got ") + v.kind_name());
  return v.as<bool>();
}

std::string DictReader::get_string(const char* key, const std::string& fallback) const {
  brick::ValueRef v = at(key);
  if (v.is_none()) return fallback;
  if (v.kind() != BRICK_VALUE_STRING) fail(key, std::string("expected str, got ") + v.kind_name());
  return v.as<std::string>();
}

std::optional<double> DictReader::get_optional_double(const char* key) const {
  if (!has(key)) return std::nullopt;
  return get_double(key, 0.0);
}

std::optional<std::vector<double>> DictReader::get_optional_doubles(const char* key) const {
  brick::ValueRef v = at(key);
  if (v.is_none()) return std::nullopt;
  if (v.kind() != BRICK_VALUE_LIST) fail(key, std::string("expected a list of floats, got ") + v.kind_name());
  std::vector<double> out;
  for (size_t i = 0; i < v.size(); ++i) {
    brick::ValueRef item = v[i];
    if (item.kind() != BRICK_VALUE_FLOAT && item.kind() != BRICK_VALUE_INT) fail(key, "expected a list of floats");
    out.push_back(item.as<double>());
  }
  return out;
}

at::Tensor DictReader::tensor(const char* key) const {
  brick::ValueRef v = at(key);
  if (v.is_none()) fail(key, "a tensor is required");
  if (!v.is_tensor()) fail(key, std::string("expected Tensor, got ") + v.kind_name());
  return v.as<at::Tensor>();
}

at::Tensor DictReader::optional_tensor(const char* key) const {
  brick::ValueRef v = at(key);
  if (v.is_none()) return at::Tensor();
  if (!v.is_tensor()) fail(key, std::string("expected Tensor or None, got ") + v.kind_name());
  return v.as<at::Tensor>();
}

double DictReader::timestep(const char* key) const {
  brick::ValueRef v = at(key);
  if (v.kind() == BRICK_VALUE_FLOAT || v.kind() == BRICK_VALUE_INT) return v.as<double>();
  if (v.is_tensor()) {
    at::Tensor t = v.as<at::Tensor>();
    if (!t.device().is_cpu()) fail(key, "a timestep tensor must be on the CPU (pass the host-side float instead)");
    if (t.numel() != 1) fail(key, c10::str("expected one timestep, got a tensor of ", t.numel()));
    return t.item<double>();
  }
  if (v.is_none()) fail(key, "a timestep is required");
  fail(key, std::string("expected a float timestep, got ") + v.kind_name());
}

}  // namespace core
