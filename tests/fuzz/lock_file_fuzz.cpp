// Fuzzes lock files (LockFile::read), then checks a plugin against what was
// read, as a locked run does.
#include <cstddef>
#include <cstdint>

#include "brick/registry/error.h"
#include "brick/registry/lock_file.h"
#include "fuzz_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto path = brick::fuzz::write_input("brick.lock", data, size);
  try {
    brick::registry::LockFile lock = brick::registry::LockFile::read(path);
    (void)lock.check("example", "0123456789abcdef", "/nonexistent/libexample.so");
    (void)brick::registry::verify_lock(lock, {}, {"example"});
  } catch (const brick::registry::RegistryError&) {
  }
  return 0;
}
