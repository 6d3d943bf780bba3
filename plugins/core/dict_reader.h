// core::DictReader: reads a diffusers-style config dict or a method's keyword
// arguments, with defaults. Absent keys and nulls read as the default, and
// keys nobody asks for are ignored: that is what lets one scheduler be made
// from another's config (diffusers' from_config).
#pragma once

#include <ATen/core/Tensor.h>
#include <brick/sdk.h>

#include <optional>
#include <string>
#include <vector>

namespace core {

// A new dict holding every entry of `dict` (None: an empty dict). A
// scheduler's config() starts from the config it was made from, so keys it
// does not use (DDIM's clip_sample in an Euler config) survive a swap, as in
// diffusers, whose from_config keeps them in the config.
brick::Value copy_dict(brick::ValueRef dict);

class DictReader {
 public:
  // `what` names the dict in error messages ("EulerDiscreteScheduler config",
  // "EulerDiscreteScheduler.step").
  DictReader(brick::ValueRef dict, std::string what);

  bool has(const char* key) const;
  int64_t get_int(const char* key, int64_t fallback) const;
  double get_double(const char* key, double fallback) const;
  bool get_bool(const char* key, bool fallback) const;
  std::string get_string(const char* key, const std::string& fallback) const;
  std::optional<double> get_optional_double(const char* key) const;
  std::optional<std::vector<double>> get_optional_doubles(const char* key) const;

  // A required tensor, and an optional one (None: undefined tensor).
  at::Tensor tensor(const char* key) const;
  at::Tensor optional_tensor(const char* key) const;
  // A timestep: a number, or a one-element tensor on the CPU (reading a CUDA
  // tensor would synchronise, so it is refused).
  double timestep(const char* key) const;

 private:
  brick::ValueRef at(const char* key) const;
  [[noreturn]] void fail(const char* key, const std::string& problem) const;

  brick::ValueRef dict_;
  std::string what_;
};

}  // namespace core
