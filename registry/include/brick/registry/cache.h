// The metadata cache file: every plugin record of the last scan, for one host
// fingerprint. Read on start so that nothing unchanged is loaded or scanned
// again; written atomically (a temporary file renamed over the old one), so a
// crash mid-write leaves the previous cache. A file that is corrupt, of
// another format or schema, or written for another host fingerprint is
// discarded with a warning, never trusted. docs/registry.md has the schema.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "brick/registry/fingerprint.h"
#include "brick/registry/plugin_record.h"

namespace brick::registry {

// Bumped whenever the format changes in a way an older reader would misread.
inline constexpr int kCacheSchema = 1;

// BRICK_REGISTRY_CACHE when set (a file, or a folder to put the file in:
// an existing folder or a path ending in '/'), else
// $XDG_CACHE_HOME/brick/registry-<fingerprint key>.json (~/.cache by default).
std::filesystem::path default_cache_path(const HostFingerprint& fingerprint);

struct CacheContents {
  std::vector<PluginRecord> records;
  std::string warning;  // why the file was discarded; "" when it was read or absent
};

// Never throws: a missing file gives no records, a bad one a warning.
CacheContents read_cache(const std::filesystem::path& file, const HostFingerprint& fingerprint);

// Throws RegistryError when the file cannot be written.
void write_cache(const std::filesystem::path& file, const HostFingerprint& fingerprint,
                 const std::vector<PluginRecord>& records);

}  // namespace brick::registry
