// Fuzzes the registry's metadata cache (read_cache never throws: a bad file
// is discarded with a warning), then what the host makes of a cached record:
// its component types and a declared block per cached declaration.
#include <cstddef>
#include <cstdint>

#include "brick/host/base/error.h"
#include "brick/host/blocks/blocks.h"
#include "brick/host/loader/registry.h"
#include "brick/registry/cache.h"
#include "fuzz_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto path = brick::fuzz::write_input("registry.json", data, size);
  // A fixed fingerprint: the seeds (tests/fuzz/seeds/registry_cache) carry its key.
  static const brick::registry::HostFingerprint fingerprint{"1.1", "1.13.1", "none", "cxx11abi=1"};
  brick::registry::CacheContents cache = brick::registry::read_cache(path, fingerprint);
  for (const brick::registry::PluginRecord& record : cache.records) {
    try {
      (void)brick::host::component_types_of(record);
    } catch (const brick::host::Error&) {
    }
    for (const brick::registry::BlockRecord& block : record.blocks) {
      if (block.declaration_json.empty()) continue;
      try {
        auto declared = brick::host::declared_block(block.declaration_json, record.name + "." + block.name, block.doc);
        (void)declared->doc();
      } catch (const brick::host::Error&) {
      }
    }
  }
  return 0;
}
