// Pipeline files beyond the reader's limits (docs/building.md, "Bad input"):
// nested deeper than 32 levels, or larger than 64 MiB. Both are
// PipelineFileErrors naming the file, the second refused before the file is
// read into memory.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "brick/host/pipeline/pipeline_file.h"
#include "brick/host/value/json.h"

using brick::host::PipelineFile;
using brick::host::PipelineFileError;

namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const PipelineFileError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(PipelineFileLimits, NestingDeeperThan32LevelsIsRefused) {
  // Inputs may hold any JSON; 40 levels of lists inside them is not a pipeline.
  std::string deep = std::string(40, '[') + std::string(40, ']');
  std::string text = R"({"brick_pipeline": 1, "blocks": [], "inputs": {"x": )" + deep + "}}";
  std::string message = error_of([&] { PipelineFile::parse(text, "deep.json"); });
  EXPECT_EQ(message.rfind("deep.json:1:", 0), 0u) << message;
  EXPECT_NE(message.find("invalid JSON (nested deeper than 32 levels)"), std::string::npos) << message;
}

TEST(PipelineFileLimits, AFileOver64MiBIsRefusedBeforeReading) {
  std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("brick-big-pipeline-" + std::to_string(::getpid()) + ".json");
  { std::ofstream(file) << "{"; }
  // Sparse: no disk space is used, and the reader must not read it.
  std::filesystem::resize_file(file, brick::host::kMaxJsonDocumentBytes + 1);
  std::string message = error_of([&] { PipelineFile::read(file); });
  std::filesystem::remove(file);
  EXPECT_NE(message.find(file.string() + ": the pipeline file is 67108865 bytes, more than the 64 MiB"),
            std::string::npos)
      << message;
}
