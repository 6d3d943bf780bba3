// The shipped text-to-image pipeline (pipelines/text2image.json) as the tests
// use it: the first-party plugins through the real loader, the repository the
// build made, and the model's own classifier to tell what an image shows.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>

#include "brick/host/loader/host.h"
#include "brick/host/pipeline/modular_pipeline.h"
#include "brick/host/pipeline/pipeline_file.h"

namespace brick::test {

namespace fs = std::filesystem;
using namespace brick::host;

// Never destroyed: a plugin's descriptor is a static of the plugin, gone at
// exit before a static Host would be.
inline Host& first_party_host() {
  static Host* host = [] {
    auto* h = new Host();
    for (const char* name : {"core", "image", "shapes"}) {
      h->load_plugin(fs::path(BRICK_BINARY_DIR) / "lib" / "brick" / "plugins" / (std::string(name) + ".so"));
    }
    return h;
  }();
  return *host;
}

inline const PipelineFile& text2image_file() {
  static const PipelineFile file = PipelineFile::read(fs::path(BRICK_SOURCE_DIR) / "pipelines" / "text2image.json");
  return file;
}

// The pipeline with its components loaded from the repository.
inline ModularPipeline text2image_pipeline() {
  ModularPipeline pipe = text2image_file().init_pipeline(first_party_host());
  LoadReport report = pipe.load_components();
  for (const auto& [name, why] : report.failed) ADD_FAILURE() << name << ": " << why;
  return pipe;
}

// Swaps the scheduler as diffusers' users do:
// pipe.update_components(scheduler=Type.from_config(pipe.scheduler.config)).
inline void use_scheduler(ModularPipeline& pipe, const std::string& type_hint) {
  ComponentSpec spec = pipe.get_component_spec("scheduler");
  spec.type_hint = type_hint;
  Value config = pipe.component("scheduler").as_object()->config();
  pipe.update_components({{"scheduler", Value(first_party_host().component_types()->create(spec, config))}});
}

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("brick-t2i-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  fs::path operator/(const std::string& sub) const { return path_ / sub; }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// The file's inputs with these replaced; images go to `output`.
inline Kwargs inputs(const Kwargs& overrides, const fs::path& output) {
  Kwargs with = overrides;
  with.emplace_back("output", Value(output.string()));
  return text2image_file().inputs_with(with);
}

// What the model's classifier (the nearest image of its set) sees in image i.
struct Seen {
  std::string color;
  std::string shape;
  double distance;
};
inline Seen classify(ModularPipeline& pipe, const Value& images, size_t i = 0) {
  Value result = pipe.component("unet").as_object()->call("classify", Value::dict({{"images", images}}));
  const Value& row = result.as_list().at(i);
  return {row.find("color")->as_string(), row.find("shape")->as_string(), row.find("distance")->as_float()};
}

}  // namespace brick::test
