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

#include "../model_test_support.h"
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

using model_test::call;
using model_test::copy_folder;
using model_test::max_difference;
using model_test::TempDir;
using model_test::tensor;

// The inputs and outputs real diffusers gave (fixtures/expected/<name>.safetensors).
inline Value expected(const std::string& name) {
  return Value::dict(brick::host::read_safetensors(kFixtures / "expected" / (name + ".safetensors")).tensors);
}

}  // namespace diffusers_test
