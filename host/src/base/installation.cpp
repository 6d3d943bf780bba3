#include "brick/host/base/installation.h"

#include <dlfcn.h>

#include <cstdlib>
#include <sstream>
#include <string>

namespace brick::host {

namespace fs = std::filesystem;

fs::path installation_prefix() {
  // This function is compiled into libbrick: the file dladdr names is libbrick.
  Dl_info info{};
  if (!dladdr(reinterpret_cast<void*>(&installation_prefix), &info) || !info.dli_fname) return {};
  std::error_code ec;
  fs::path library = fs::canonical(info.dli_fname, ec);
  return ec ? fs::path() : library.parent_path().parent_path();
}

fs::path installation_data_dir(std::string_view what) {
  fs::path prefix = installation_prefix();
  return prefix.empty() ? prefix : prefix / "share" / "brick" / fs::path(what);
}

std::vector<fs::path> paths_from_environment(const char* variable) {
  std::vector<fs::path> dirs;
  if (const char* env = std::getenv(variable)) {
    std::stringstream list(env);
    std::string dir;
    while (std::getline(list, dir, ':')) {
      if (!dir.empty()) dirs.emplace_back(dir);
    }
  }
  return dirs;
}

}  // namespace brick::host
