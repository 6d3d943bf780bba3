// The transformers suites' common ground: one host with the built
// transformers plugin, components created or loaded through it by type hint,
// calls by method name as blocks make them, the fixtures' folders, and the
// expected tensors the generators wrote (make_model_fixtures.py,
// make_tokenizer_fixtures.py).
#pragma once

#include <ATen/TensorOperators.h>
#include <ATen/core/Tensor.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "../model_test_support.h"
#include "brick/host/components/component_types.h"
#include "brick/host/components/safetensors.h"
#include "brick/host/loader/host.h"
#include "brick/host/params/component_spec.h"
#include "brick/host/value/object.h"
#include "brick/host/value/value.h"

namespace transformers_test {

namespace fs = std::filesystem;
using brick::host::Object;
using brick::host::Value;

inline const fs::path kFixtures = TRANSFORMERS_FIXTURES;
inline const fs::path kTokenizerFolder = kFixtures / "clip_tokenizer";
inline fs::path model_folder(const std::string& name) { return kFixtures / "models" / name; }

// Never destroyed: plugins stay resident, and a static Host would outlive
// their descriptors at exit (tests/components does the same).
inline brick::host::Host& host() {
  static brick::host::Host* h = [] {
    auto* made = new brick::host::Host();
    made->load_plugin(TRANSFORMERS_PLUGIN);
    return made;
  }();
  return *h;
}

inline std::shared_ptr<Object> create(const std::string& type, Value config = Value::dict({})) {
  brick::host::ComponentSpec spec;
  spec.name = "component";
  spec.type_hint = "transformers." + type;
  spec.config = std::move(config);
  spec.default_creation_method = brick::host::CreationMethod::FromConfig;
  return host().component_types()->create(spec);
}

// from_pretrained of one folder, by type hint, as load_components does it.
inline std::shared_ptr<Object> load(const std::string& type, const fs::path& folder,
                                    const brick::host::LoadOptions& options = {}) {
  brick::host::ComponentSpec spec;
  spec.name = "component";
  spec.type_hint = "transformers." + type;
  spec.pretrained_model_name_or_path = folder.string();
  return host().component_types()->load(spec, options);
}

using model_test::call;
using model_test::copy_folder;
using model_test::max_difference;
using model_test::TempDir;
using model_test::tensor;

// The reference's inputs and outputs for a fixture model (fixtures/expected/<model>.safetensors).
inline Value expected(const std::string& model) {
  return Value::dict(brick::host::read_safetensors(kFixtures / "expected" / (model + ".safetensors")).tensors);
}

}  // namespace transformers_test
