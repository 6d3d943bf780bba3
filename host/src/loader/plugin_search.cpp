#include "brick/host/loader/plugin_search.h"

#include "brick/host/base/log.h"
#include "brick/host/loader/registry.h"
#include "brick/registry/search_path.h"

namespace brick::host {

std::vector<std::filesystem::path> PluginSearch::search_dirs() const { return registry::plugin_search_path(dirs); }

void PluginSearch::load_for(Host& host, const std::string& plugin_name) const {
  for (const auto& file : files) host.load_plugin(file);
  if (host.find_plugin(plugin_name)) return;
  std::error_code ec;
  for (const auto& dir : search_dirs()) {
    std::filesystem::path candidate = dir / (plugin_name + ".so");
    if (std::filesystem::is_regular_file(candidate, ec)) {
      host.load_plugin(candidate);
      if (host.find_plugin(plugin_name)) return;
    }
  }
  load_dirs(host);
}

void PluginSearch::load_all(Host& host) const {
  for (const auto& file : files) host.load_plugin(file);
  load_dirs(host);
}

std::vector<LoadFailure> PluginSearch::load_dirs(Host& host) const {
  std::vector<std::filesystem::path> existing;
  std::error_code ec;
  for (const auto& dir : search_dirs()) {
    if (std::filesystem::is_directory(dir, ec)) existing.push_back(dir);
  }
  return host.load_plugins(existing);
}

registry::Registry PluginSearch::open_registry() const {
  registry::Registry registry(registry_options(search_dirs(), files));
  for (const std::string& warning : registry.warnings()) log_warning(warning);
  return registry;
}

}  // namespace brick::host
