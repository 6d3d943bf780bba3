// Lock files for deployments: the exact plugins (name, version, content
// hash) a pipeline was built with. `brick lock` writes one; a host run with
// it refuses a plugin of a listed name whose hash differs, naming it, before
// the library is opened. Plugins the lock does not list are not restricted.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "brick/registry/plugin_record.h"

namespace brick::registry {

struct LockEntry {
  std::string name;
  std::string version;
  std::string hash;             // hash_text of the file's content
  std::filesystem::path path;   // where it was found when locking (informational)
};

class LockFile {
 public:
  // Throws RegistryError naming the file and what is wrong.
  static LockFile read(const std::filesystem::path& file);
  // Atomic (temporary file + rename). Throws RegistryError.
  void write(const std::filesystem::path& file) const;

  // Adds or replaces the entry of the record's plugin.
  void add(const PluginRecord& record);
  const LockEntry* find(const std::string& name) const;
  const std::vector<LockEntry>& entries() const { return entries_; }

  // "" when plugin `name` with content `hash` (found at `path`) is allowed:
  // unlisted, or listed with this hash. Otherwise the refusal, naming the
  // plugin, the file and both hashes.
  std::string check(const std::string& name, const std::string& hash, const std::filesystem::path& path) const;

  // The file it was read from, for messages ("" when made in memory).
  const std::filesystem::path& source() const { return source_; }

 private:
  std::vector<LockEntry> entries_;  // sorted by name
  std::filesystem::path source_;
};

// Verifies that every plugin of `names` is in the lock and that the plugin
// of that name among `available` (the registry's usable plugins) has the
// locked hash and version. One message per problem; none when all fit.
std::vector<std::string> verify_lock(const LockFile& lock, const std::vector<PluginRecord>& available,
                                     const std::vector<std::string>& names);

}  // namespace brick::registry
