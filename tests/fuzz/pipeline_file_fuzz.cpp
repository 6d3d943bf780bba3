// Fuzzes the pipeline-file reader (PipelineFile::parse: JSON, then the
// shape checks of docs/pipeline-files.md). A malformed file must end in a
// PipelineFileError or Error naming the file; anything else escaping (a
// crash, another exception, a sanitizer report) is a finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "brick/host/base/error.h"
#include "brick/host/pipeline/pipeline_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    brick::host::PipelineFile file = brick::host::PipelineFile::parse(text, "fuzz.json", "/nonexistent");
    (void)file.plugin_names();
    (void)file.inputs_with({});
  } catch (const brick::host::Error&) {
  }
  return 0;
}
