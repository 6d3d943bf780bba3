// What the tests of the model plugins (transformers, diffusers) share:
// calling a component object with keywords, comparing tensors, scratch
// folders. Each suite's own support header adds its loader and fixtures.
#pragma once

#include <ATen/TensorOperators.h>
#include <ATen/core/Tensor.h>

#include <filesystem>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>

#include "brick/host/value/object.h"
#include "brick/host/value/value.h"

namespace model_test {

namespace fs = std::filesystem;
using brick::host::Object;
using brick::host::Value;

inline Value call(const std::shared_ptr<Object>& object, const std::string& method, Value::Dict kwargs = {}) {
  return object->call(method, Value::dict(std::move(kwargs)));
}

inline at::Tensor tensor(const Value& dict, const std::string& key) {
  const Value* v = dict.find(key);
  if (!v) throw std::runtime_error("no '" + key + "' in " + dict.repr());
  return v->as_tensor();
}

// The largest absolute difference (float64), for readable failures; huge
// when the shapes differ.
inline double max_difference(const at::Tensor& a, const at::Tensor& b) {
  if (a.sizes() != b.sizes()) return 1e300;
  return (a.to(at::kCPU, at::kDouble) - b.to(at::kCPU, at::kDouble)).abs().max().item<double>();
}

// A fresh folder under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "brick-model-test-") {
    std::random_device rd;
    path_ = fs::temp_directory_path() / (prefix + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& sub) const { return path_ / sub; }

 private:
  fs::path path_;
};

// A copy of a fixture folder, to change a file in.
inline void copy_folder(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  for (const auto& entry : fs::directory_iterator(from)) fs::copy_file(entry.path(), to / entry.path().filename());
}

}  // namespace model_test
