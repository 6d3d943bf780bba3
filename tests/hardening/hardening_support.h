// Shared by the hardening suites: the test plugins that misbehave at the
// ABI's edges, loaded through the real loader.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "brick/host/base/error.h"
#include "brick/host/loader/host.h"
#include "brick/host/pipeline/modular_pipeline.h"

namespace brick::test {

inline std::string plugin_path(const std::string& file) { return std::string(TEST_PLUGIN_DIR) + "/" + file + ".so"; }

// Never destroyed (a plugin's descriptor is a static of the plugin, gone at
// exit before a static Host would be).
inline host::Host& hardening_host() {
  static host::Host* instance = [] {
    auto* h = new host::Host();
    for (const char* name : {"test_hardening_c", "test_hardening", "test_abi_1_0", "test_hardening_abi_1_1"})
      h->load_plugin(plugin_path(name));
    return h;
  }();
  return *instance;
}

inline host::ModularPipeline pipeline_of(const std::string& qualified) {
  return hardening_host().create_block(qualified)->init_pipeline();
}

inline host::PipelineState run_block(const std::string& qualified, const host::Kwargs& kwargs = {}) {
  return pipeline_of(qualified)(kwargs);
}

// The BlockError running `qualified` raises (a test failure if it runs).
inline host::BlockError block_error_of(const std::string& qualified, const host::Kwargs& kwargs = {}) {
  try {
    run_block(qualified, kwargs);
  } catch (const host::BlockError& e) {
    return e;
  }
  ADD_FAILURE() << qualified << " did not fail";
  return host::BlockError(BRICK_OK, qualified, "did not fail");
}

}  // namespace brick::test
