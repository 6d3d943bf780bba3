// How the brick command finds plugins: --plugin files first, then the
// registry's search path (--plugin-dir folders, BRICK_PLUGIN_PATH, the
// installation's own plugin folder).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "brick/host/host.h"

namespace brick::cli {

struct PluginSearch {
  std::vector<std::filesystem::path> files;
  std::vector<std::filesystem::path> dirs;

  // The folders to search, in order: --plugin-dir, BRICK_PLUGIN_PATH, default.
  std::vector<std::filesystem::path> search_dirs() const;

  // Loads the --plugin files (failures are errors), then the plugin named
  // `plugin_name` from the search folders: <dir>/<name>.so first, every
  // plugin of the folders when that does not find it.
  void load_for(host::Host& host, const std::string& plugin_name) const;
  // Loads the --plugin files, then every plugin of the search folders;
  // a plugin that fails to load is reported and skipped.
  void load_all(host::Host& host) const;

 private:
  // Every plugin of the search folders that exist.
  std::vector<host::LoadFailure> load_dirs(host::Host& host) const;
};

}  // namespace brick::cli
