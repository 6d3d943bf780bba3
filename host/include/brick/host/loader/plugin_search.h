// Where a host finds plugins: single plugin files first, then the
// registry's search path (the given folders, BRICK_PLUGIN_PATH, the
// installation's own plugin folder beside libbrick). The brick command fills
// it from --plugin and --plugin-dir.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "brick/host/loader/host.h"
#include "brick/registry/registry.h"

namespace brick::host {

struct PluginSearch {
  std::vector<std::filesystem::path> files;
  std::vector<std::filesystem::path> dirs;

  // The folders to search, in order: --plugin-dir, BRICK_PLUGIN_PATH, default.
  std::vector<std::filesystem::path> search_dirs() const;

  // Loads the --plugin files (failures are errors), then the plugin named
  // `plugin_name` from the search folders: <dir>/<name>.so first, every
  // plugin of the folders when that does not find it.
  void load_for(Host& host, const std::string& plugin_name) const;
  // Loads the --plugin files, then every plugin of the search folders;
  // a plugin that fails to load is reported and skipped.
  void load_all(Host& host) const;

  // The registry over the --plugin files and the search folders, with the
  // default cache; its warnings are logged.
  registry::Registry open_registry() const;

 private:
  // Every plugin of the search folders that exist.
  std::vector<LoadFailure> load_dirs(Host& host) const;
};

}  // namespace brick::host
