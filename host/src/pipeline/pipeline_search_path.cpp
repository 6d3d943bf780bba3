#include "brick/host/pipeline/pipeline_search_path.h"

#include <algorithm>
#include <set>
#include <string>

#include "brick/host/base/installation.h"

namespace brick::host {

namespace fs = std::filesystem;

std::vector<fs::path> pipeline_search_path() {
  std::vector<fs::path> dirs = paths_from_environment("BRICK_PIPELINE_PATH");
  if (fs::path installed = installation_data_dir("pipelines"); !installed.empty()) dirs.push_back(installed);
  return dirs;
}

std::optional<fs::path> find_pipeline(std::string_view name) {
  std::error_code ec;
  for (const fs::path& dir : pipeline_search_path()) {
    fs::path candidate = dir / (std::string(name) + ".json");
    if (fs::is_regular_file(candidate, ec)) return candidate;
  }
  return std::nullopt;
}

std::vector<fs::path> list_pipelines() {
  std::vector<fs::path> out;
  std::set<std::string> seen;
  std::error_code ec;
  for (const fs::path& dir : pipeline_search_path()) {
    std::vector<fs::path> here;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().extension() == ".json" && it->is_regular_file(ec)) here.push_back(it->path());
    }
    std::sort(here.begin(), here.end());
    for (fs::path& file : here) {
      if (seen.insert(file.stem().string()).second) out.push_back(std::move(file));
    }
  }
  return out;
}

}  // namespace brick::host
