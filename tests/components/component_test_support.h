// Helpers for the component suites: a host-written block that declares
// given specs, a temporary folder, a log capture, a safetensors file written
// byte by byte, and a tiny from_config component type.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "brick/host/base/error.h"
#include "brick/host/base/log.h"
#include "brick/host/components/component_types.h"
#include "brick/host/pipeline/modular_pipeline.h"
#include "brick/host/value/object.h"

namespace brick::test {

namespace fs = std::filesystem;
using namespace brick::host;

// A leaf block that declares the given specs and, when run, records what it
// gets for each component (through Components::use, as blocks do).
class SpecBlock : public ModularPipelineBlocks {
 public:
  SpecBlock(std::string name, std::vector<ComponentSpec> components, std::vector<ConfigSpec> configs = {})
      : name_(std::move(name)), components_(std::move(components)), configs_(std::move(configs)) {}
  std::string class_name() const override { return name_; }
  std::vector<ComponentSpec> expected_components() const override { return components_; }
  std::vector<ConfigSpec> expected_configs() const override { return configs_; }
  void operator()(Components& components, PipelineState&) override {
    for (const ComponentSpec& spec : components_) components.use(spec.name);
  }
  std::unique_ptr<ModularPipelineBlocks> clone() const override { return std::make_unique<SpecBlock>(*this); }

 private:
  std::string name_;
  std::vector<ComponentSpec> components_;
  std::vector<ConfigSpec> configs_;
};

inline ComponentSpec pretrained(std::string name, std::optional<std::string> path, std::string subfolder,
                                std::string type_hint = "") {
  ComponentSpec spec;
  spec.name = std::move(name);
  spec.type_hint = std::move(type_hint);
  spec.pretrained_model_name_or_path = std::move(path);
  spec.subfolder = std::move(subfolder);
  return spec;
}

inline ComponentSpec from_config(std::string name, std::string type_hint, Value config = {}) {
  ComponentSpec spec;
  spec.name = std::move(name);
  spec.type_hint = std::move(type_hint);
  spec.config = std::move(config);
  spec.default_creation_method = CreationMethod::FromConfig;
  return spec;
}

// A fresh folder under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("brick-components-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& sub) const { return path_ / sub; }

 private:
  fs::path path_;
};

// Collects warnings.
class LogCapture {
 public:
  LogCapture()
      : sink_([this](const LogRecord& r) {
          if (r.level >= LogLevel::Warning) warnings_.emplace_back(r.message);
        }) {}
  const std::vector<std::string>& warnings() const { return warnings_; }
  bool any_contains(const std::string& text) const {
    for (const std::string& w : warnings_) {
      if (w.find(text) != std::string::npos) return true;
    }
    return false;
  }
  std::string all() const {
    std::string out;
    for (const std::string& w : warnings_) out += w + "\n";
    return out;
  }

 private:
  std::vector<std::string> warnings_;
  ScopedLogSink sink_;
};

inline void append_le(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

inline void append_f32(std::string& out, float f) {
  uint32_t bits = 0;
  std::memcpy(&bits, &f, 4);
  append_le(out, bits, 4);
}

// A safetensors file made by hand: header length, JSON header, raw data.
inline void write_file(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::string safetensors_bytes(const std::string& header, const std::string& data) {
  std::string out;
  append_le(out, header.size(), 8);
  return out + header + data;
}

// One F32 tensor "weight" of the given values (shape [n]).
inline void write_weights(const fs::path& path, const std::vector<float>& values, const std::string& name = "weight") {
  std::string data;
  for (float v : values) append_f32(data, v);
  std::string header = "{\"" + name + "\":{\"dtype\":\"F32\",\"shape\":[" + std::to_string(values.size()) +
                       "],\"data_offsets\":[0," + std::to_string(data.size()) + "]}}";
  write_file(path, safetensors_bytes(header, data));
}

// A from_config component: keeps its config.
class ConfigObject : public Object {
 public:
  explicit ConfigObject(Value config) : config_(std::move(config)) {}
  std::string class_name() const override { return "ConfigObject"; }
  std::string library() const override { return "test"; }
  Value config() const override { return config_; }

 private:
  Value config_;
};

// The built-in types plus "test.ConfigObject" (created from any config;
// "fail": true in the config makes creation fail).
inline std::shared_ptr<const ComponentTypes> test_types() {
  auto types = std::make_shared<ComponentTypes>(ComponentTypes::builtin());
  types->add({"test.ConfigObject",
              [](const Value& config) -> std::shared_ptr<Object> {
                if (const Value* fail = config.find("fail"); fail && fail->as_bool()) {
                  throw Error(BRICK_ERR_INVALID_ARGUMENT, "config asks to fail");
                }
                return std::make_shared<ConfigObject>(config);
              },
              nullptr});
  return types;
}

}  // namespace brick::test
