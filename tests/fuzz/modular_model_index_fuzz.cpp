// Fuzzes modular_model_index.json (read_modular_model_index: JSON, then each
// component's [library, class, spec] entry and its Python-text fields), and
// writes back what it read, as save_pretrained does.
#include <cstddef>
#include <cstdint>

#include "brick/host/base/error.h"
#include "brick/host/components/modular_repository.h"
#include "fuzz_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto path = brick::fuzz::write_input("modular_model_index.json", data, size);
  try {
    brick::host::ModularModelIndex index = brick::host::read_modular_model_index(path);
    (void)brick::host::modular_model_index_text(index);
  } catch (const brick::host::Error&) {
  }
  return 0;
}
