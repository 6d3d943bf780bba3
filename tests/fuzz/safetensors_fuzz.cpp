// Fuzzes the safetensors reader (read_safetensors: the 8-byte length, the
// JSON header, dtypes, shapes and data offsets against the file's size).
// Every tensor read is touched end to end, so an offset or a shape that
// lets a tensor reach past the mapping is an AddressSanitizer report.
#include <ATen/core/Tensor.h>

#include <cstddef>
#include <cstdint>

#include "brick/host/base/error.h"
#include "brick/host/components/safetensors.h"
#include "fuzz_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto path = brick::fuzz::write_input("model.safetensors", data, size);
  try {
    brick::host::SafetensorsFile file = brick::host::read_safetensors(path);
    volatile uint8_t sink = 0;
    for (const auto& [name, value] : file.tensors) {
      const at::Tensor& t = value.as_tensor();
      const auto* bytes = static_cast<const uint8_t*>(t.data_ptr());
      for (size_t i = 0; i < t.nbytes(); ++i) sink = sink ^ bytes[i];
    }
  } catch (const brick::host::Error&) {
  }
  return 0;
}
