// Shared helpers of the host test suites: where the test plugins are, a
// Host with them loaded, and capture of the host log.
#pragma once

#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include "brick/host/base/error.h"
#include "brick/host/base/log.h"
#include "brick/host/loader/host.h"
#include "brick/host/pipeline/modular_pipeline.h"

namespace brick::test {

inline std::string plugin_path(const std::string& file) { return std::string(TEST_PLUGIN_DIR) + "/" + file + ".so"; }

// A host with the well-behaved test plugins loaded.
inline host::Host& test_host() {
  static host::Host* instance = [] {
    auto* h = new host::Host();
    for (const char* name :
         {"test_blocks", "test_blocks_dlpack", "test_throwing", "test_composition", "test_portable"}) {
      h->load_plugin(plugin_path(name));
    }
    return h;
  }();
  return *instance;
}

// Records every log line, debug ones included, for its lifetime.
class LogCapture {
 public:
  struct Line {
    host::LogLevel level;
    std::string source;
    std::string message;
  };
  LogCapture()
      : scope_([this](const host::LogRecord& r) {
          std::lock_guard<std::mutex> lock(mutex_);
          lines_.push_back(Line{r.level, std::string(r.source), std::string(r.message)});
        }) {
    host::set_log_level(host::LogLevel::Debug);
  }
  ~LogCapture() { host::set_log_level(level_); }
  std::vector<Line> lines() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return lines_;
  }
  bool contains(const std::string& text) const {
    for (const Line& line : lines()) {
      if (line.message.find(text) != std::string::npos) return true;
    }
    return false;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Line> lines_;
  host::LogLevel level_ = host::log_level();
  host::ScopedLogSink scope_;
};

// Runs `qualified` as a one-block pipeline.
inline host::PipelineState run_block(const std::string& qualified, const host::Kwargs& kwargs = {},
                                     const host::PipelineState* state = nullptr) {
  auto pipe = test_host().create_block(qualified)->init_pipeline();
  return pipe(kwargs, state);
}

// The BlockError that running `qualified` raises, or a test failure if it runs.
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
