// How the brick command finds plugins: --plugin files first, then the
// registry's search path (--plugin-dir folders, BRICK_PLUGIN_PATH, the
// installation's own plugin folder).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "brick/host/host.h"
#include "brick/registry/registry.h"

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

  // The registry over the --plugin files and the search folders, with the
  // default cache; its warnings are logged.
  registry::Registry open_registry() const;

 private:
  // Every plugin of the search folders that exist.
  std::vector<host::LoadFailure> load_dirs(host::Host& host) const;
};

}  // namespace brick::cli
