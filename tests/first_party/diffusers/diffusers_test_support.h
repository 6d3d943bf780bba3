// The diffusers suite's common ground: one host with the built diffusers
// plugin, components loaded through it by type hint as load_components does,
// calls by method name as blocks make them, the fixture folders and the
// outputs real diffusers gave (make_fixtures.py).
#pragma once

#include <ATen/TensorOperators.h>
#include <ATen/core/Tensor.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "brick/host/base/error.h"
#include "brick/host/components/component_types.h"
#include "brick/host/components/safetensors.h"
#include "brick/host/loader/host.h"
#include "brick/host/params/component_spec.h"
#include "brick/host/value/object.h"
#include "brick/host/value/value.h"

namespace diffusers_test {

namespace fs = std::filesystem;
using brick::host::Object;
using brick::host::Value;

inline const fs::path kFixtures = DIFFUSERS_FIXTURES;
inline fs::path model_folder(const std::string& name) { return kFixtures / "models" / name; }

// Never destroyed: plugins stay resident (tests/components does the same).
inline brick::host::Host& host() {
  static brick::host::Host* h = [] {
    auto* made = new brick::host::Host();
    made->load_plugin(DIFFUSERS_PLUGIN);
    return made;
  }();
  return *h;
}

inline std::shared_ptr<Object> create(const std::string& type, Value config = Value::dict({})) {
  brick::host::ComponentSpec spec;
  spec.name = "component";
  spec.type_hint = "diffusers." + type;
  spec.config = std::move(config);
  spec.default_creation_method = brick::host::CreationMethod::FromConfig;
  return host().component_types()->create(spec);
}

// from_pretrained of one folder, by type hint.
inline std::shared_ptr<Object> load(const std::string& type, const fs::path& folder,
                                    const brick::host::LoadOptions& options = {},
                                    std::optional<std::string> variant = std::nullopt) {
  brick::host::ComponentSpec spec;
  spec.name = "component";
  spec.type_hint = "diffusers." + type;
  spec.pretrained_model_name_or_path = folder.string();
  spec.variant = std::move(variant);
  return host().component_types()->load(spec, options);
}

inline Value call(const std::shared_ptr<Object>& object, const std::string& method, Value::Dict kwargs = {}) {
  return object->call(method, Value::dict(std::move(kwargs)));
}

inline at::Tensor tensor(const Value& dict, const std::string& key) {
  const Value* v = dict.find(key);
  if (!v) throw std::runtime_error("no '" + key + "' in " + dict.repr());
  return v->as_tensor();
}

// The inputs and outputs real diffusers gave (fixtures/expected/<name>.safetensors).
inline Value expected(const std::string& name) {
  return Value::dict(brick::host::read_safetensors(kFixtures / "expected" / (name + ".safetensors")).tensors);
}

inline double max_difference(const at::Tensor& a, const at::Tensor& b) {
  if (a.sizes() != b.sizes()) return 1e300;
  return (a.to(at::kCPU, at::kDouble) - b.to(at::kCPU, at::kDouble)).abs().max().item<double>();
}

// A fresh folder under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("brick-diffusers-" + std::to_string(rd()) + std::to_string(rd()));
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

inline void copy_folder(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  for (const auto& entry : fs::directory_iterator(from)) fs::copy_file(entry.path(), to / entry.path().filename());
}

}  // namespace diffusers_test
