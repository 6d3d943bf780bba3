#include "plugin_search.h"

#include <unistd.h>

#include <cstdlib>
#include <sstream>

namespace brick::cli {

namespace {
std::filesystem::path executable_dir() {
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : self.parent_path();
}
}  // namespace

std::vector<std::filesystem::path> PluginSearch::search_dirs() const {
  std::vector<std::filesystem::path> out = dirs;
  if (const char* env = std::getenv("BRICK_PLUGIN_PATH")) {
    std::stringstream list(env);
    std::string dir;
    while (std::getline(list, dir, ':')) {
      if (!dir.empty()) out.emplace_back(dir);
    }
  }
  std::filesystem::path exe = executable_dir();
  if (!exe.empty()) {
    // bin/brick -> <prefix>/lib/brick/plugins
    std::filesystem::path prefix = exe.filename() == BRICK_BINDIR ? exe.parent_path() : exe;
    out.push_back(prefix / BRICK_PLUGIN_SUBDIR);
  }
  return out;
}

void PluginSearch::load_for(host::Host& host, const std::string& plugin_name) const {
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

std::vector<host::LoadFailure> PluginSearch::load_all(host::Host& host) const {
  for (const auto& file : files) host.load_plugin(file);
  return load_dirs(host);
}

std::vector<host::LoadFailure> PluginSearch::load_dirs(host::Host& host) const {
  std::vector<std::filesystem::path> existing;
  std::error_code ec;
  for (const auto& dir : search_dirs()) {
    if (std::filesystem::is_directory(dir, ec)) existing.push_back(dir);
  }
  return host.load_plugins(existing);
}

}  // namespace brick::cli
