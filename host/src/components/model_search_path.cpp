#include "brick/host/components/model_search_path.h"

#include <string>

#include "brick/host/base/error.h"
#include "brick/host/base/installation.h"

namespace brick::host {

namespace fs = std::filesystem;

std::vector<fs::path> model_search_path() {
  std::vector<fs::path> dirs = paths_from_environment("BRICK_MODEL_PATH");
  if (fs::path installed = installation_data_dir("models"); !installed.empty()) dirs.push_back(installed);
  return dirs;
}

fs::path resolve_model_repository(const fs::path& name, const fs::path& base_dir) {
  std::error_code ec;
  fs::path direct = name.is_relative() && !base_dir.empty() ? base_dir / name : name;
  if (fs::is_directory(direct, ec)) return direct;
  std::string looked = "'";
  looked += direct.string();
  looked += "'";
  if (name.is_relative()) {
    for (const fs::path& dir : model_search_path()) {
      fs::path candidate = dir / name;
      if (fs::is_directory(candidate, ec)) return candidate;
      looked += ", '";
      looked += candidate.string();
      looked += "'";
    }
  }
  std::string message = "no model repository '";
  message += name.string() + "': looked at " + looked +
             " (set BRICK_MODEL_PATH to add folders; nothing is fetched from a network)";
  throw Error(BRICK_ERR_NOT_FOUND, message);
}

}  // namespace brick::host
