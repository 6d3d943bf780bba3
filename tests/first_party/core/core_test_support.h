// Helpers of the core plugin's tests: one host with the core plugin and the
// fake models loaded through the real loader, components created through the
// host's ComponentTypes and called through Object::call (as a pipeline does),
// and tolerant comparisons of tensors with expected literals.
#pragma once

#include <ATen/core/Tensor.h>
#include <ATen/ops/tensor.h>
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "brick/host/components/component_types.h"
#include "brick/host/loader/host.h"
#include "brick/host/pipeline/modular_pipeline.h"
#include "brick/host/value/json.h"
#include "brick/host/value/object.h"

namespace core_test {

using brick::host::Value;

// Never destroyed: a plugin's descriptor is a static of the plugin, gone at
// exit before a static Host would be (as tests/host's test_host()).
inline brick::host::Host& core_host() {
  static brick::host::Host* host = [] {
    auto* h = new brick::host::Host();
    h->load_plugin(std::string(BRICK_BINARY_DIR) + "/lib/brick/plugins/core.so");
    h->load_plugin(std::string(CORE_TEST_PLUGIN_DIR) + "/test_core_models.so");
    return h;
  }();
  return *host;
}

// A component of `type_hint` created from a JSON config, as a from_config
// spec (or a component folder's config.json) makes it.
inline std::shared_ptr<brick::host::Object> make(const std::string& type_hint, const std::string& config_json = "{}") {
  brick::host::ComponentSpec spec;
  spec.name = "component";
  spec.type_hint = type_hint;
  spec.config = brick::host::parse_json(config_json);
  spec.default_creation_method = brick::host::CreationMethod::FromConfig;
  return core_host().component_types()->create(spec);
}

inline Value call(const std::shared_ptr<brick::host::Object>& object, std::string_view method,
                  Value::Dict kwargs = {}) {
  return object->call(method, Value::dict(std::move(kwargs)));
}

inline at::Tensor tensor(const std::vector<double>& values) {
  return at::tensor(values, at::TensorOptions().dtype(at::kFloat));
}

inline std::vector<double> values_of(const at::Tensor& t) {
  at::Tensor flat = t.to(at::kCPU).to(at::kDouble).contiguous().reshape({-1});
  return std::vector<double>(flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel());
}

// Each value within rel * |expected| + abs of the expected one. The default
// tolerances cover float32 storage of values derived in double.
inline void expect_values(const std::vector<double>& actual, const std::vector<double>& expected, double rel = 2e-6,
                          double abs = 1e-6, const std::string& what = "") {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(actual[i], expected[i], rel * std::fabs(expected[i]) + abs) << what << " [" << i << "]";
  }
}

inline void expect_tensor(const Value& value, const std::vector<double>& expected, double rel = 2e-6, double abs = 1e-6,
                          const std::string& what = "") {
  ASSERT_TRUE(value.is_tensor()) << what << ": got " << value.repr();
  expect_values(values_of(value.as_tensor()), expected, rel, abs, what);
}

// A pipeline of one core block (or composite) whose from_config components
// come from the host's types; others are set by the test.
inline brick::host::ModularPipeline pipeline(const std::string& block) {
  brick::host::PipelineOptions options;
  options.component_types = core_host().component_types();
  return brick::host::ModularPipeline(core_host().create_block(block), options);
}

}  // namespace core_test
