#include "brick/registry/search_path.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <string>

namespace brick::registry {

std::vector<std::filesystem::path> plugin_path_from_environment() {
  std::vector<std::filesystem::path> dirs;
  if (const char* env = std::getenv("BRICK_PLUGIN_PATH")) {
    std::stringstream list(env);
    std::string dir;
    while (std::getline(list, dir, ':')) {
      if (!dir.empty()) dirs.emplace_back(dir);
    }
  }
  return dirs;
}

std::filesystem::path installed_plugin_dir() {
  // The shared object this function is compiled into is libbrick.
  Dl_info info{};
  if (!dladdr(reinterpret_cast<void*>(&installed_plugin_dir), &info) || !info.dli_fname) return {};
  std::error_code ec;
  std::filesystem::path library = std::filesystem::canonical(info.dli_fname, ec);
  if (ec) return {};
  return library.parent_path() / BRICK_PLUGIN_DIR_IN_LIBDIR;
}

std::vector<std::filesystem::path> plugin_search_path(const std::vector<std::filesystem::path>& given) {
  std::vector<std::filesystem::path> dirs = given;
  for (auto& dir : plugin_path_from_environment()) dirs.push_back(std::move(dir));
  std::filesystem::path installed = installed_plugin_dir();
  if (!installed.empty()) dirs.push_back(std::move(installed));
  return dirs;
}

std::vector<std::filesystem::path> plugin_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".so" && !entry.is_directory(ec)) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace brick::registry
