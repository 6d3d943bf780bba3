// Registry: every plugin file on the search path and what it provides,
// known from the metadata cache where the file is unchanged and from the
// child-process scanner where it is new or changed. Nothing here opens a
// plugin library in this process.
//
//   brick::registry::Registry registry(options);   // scans what changed
//   for (const auto& plugin : registry.plugins()) ...;  // usable plugins
//   for (const auto& bad : registry.bad_plugins()) ...; // and why not the others
//
// A host (brick::host::Host::use_registry) takes the records and loads a
// library on the first use of one of its blocks.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "brick/registry/fingerprint.h"
#include "brick/registry/plugin_record.h"
#include "brick/registry/scanner.h"

namespace brick::registry {

struct RegistryOptions {
  // Plugin files given one by one; they come first.
  std::vector<std::filesystem::path> files;
  // Folders searched for *.so, in precedence order (see search_path.h).
  std::vector<std::filesystem::path> dirs;
  HostFingerprint fingerprint;
  // The cache file; empty: no cache (everything is scanned, nothing kept).
  std::filesystem::path cache_file;
  ScanOptions scan;
};

class Registry {
 public:
  explicit Registry(RegistryOptions options);

  // Looks at the files again: unchanged ones come from memory or the cache,
  // changed and new ones are scanned, and the cache is rewritten if
  // anything changed.
  void refresh();

  // The usable plugins, in search order; of two plugins with one name the
  // first found wins (the other is reported in warnings() and conflicts()).
  const std::vector<PluginRecord>& plugins() const { return plugins_; }
  // The files that are not usable plugins, and why; remembered (in the
  // cache) until the file changes.
  const std::vector<PluginRecord>& bad_plugins() const { return bad_; }
  // What a user should hear about: a discarded cache, a plugin name claimed
  // twice, a scanner that could not start, a cache that could not be written.
  const std::vector<std::string>& warnings() const { return warnings_; }

  struct Conflict {
    std::string plugin;              // the name both claim
    std::filesystem::path used;      // the file that wins (first in search order)
    std::filesystem::path ignored;
  };
  const std::vector<Conflict>& conflicts() const { return conflicts_; }

  const PluginRecord* find_plugin(std::string_view name) const;
  // Any record (usable or bad) of that file.
  const PluginRecord* find_file(const std::filesystem::path& path) const;

  struct BlockMatch {
    const PluginRecord* plugin;
    const BlockRecord* block;
    std::string qualified_name() const { return plugin->name + "." + block->name; }
  };
  // "plugin.Block" gives at most one match; a bare "Block" every plugin's
  // block of that name.
  std::vector<BlockMatch> find_blocks(std::string_view name) const;

  // Plugin name -> version of the usable plugins (for version requirements).
  std::map<std::string, std::string> versions() const;

  struct Stats {
    size_t files = 0;    // plugin files seen
    size_t cached = 0;   // taken from the cache unchanged
    size_t scanned = 0;  // scanned in a child process
    size_t probed = 0;   // refused from the file alone (not a plugin, other ABI)
    bool cache_written = false;
  };
  const Stats& stats() const { return stats_; }
  const RegistryOptions& options() const { return options_; }

 private:
  RegistryOptions options_;
  std::vector<PluginRecord> records_;  // every file, in search order
  std::vector<PluginRecord> plugins_, bad_;
  std::vector<Conflict> conflicts_;
  std::vector<std::string> warnings_;
  Stats stats_;
};

}  // namespace brick::registry
