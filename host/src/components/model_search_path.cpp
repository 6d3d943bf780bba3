#include "brick/host/components/model_search_path.h"

#include <string>

#include "brick/host/base/error.h"
#include "brick/host/base/installation.h"
#include "brick/host/components/hub_cache.h"

namespace brick::host {

namespace fs = std::filesystem;

std::vector<fs::path> model_search_path() {
  std::vector<fs::path> dirs = paths_from_environment("BRICK_MODEL_PATH");
  if (fs::path installed = installation_data_dir("models"); !installed.empty()) dirs.push_back(installed);
  return dirs;
}

fs::path resolve_model_repository(const fs::path& name, const fs::path& base_dir,
                                  const std::optional<std::string>& revision) {
  std::error_code ec;
  fs::path direct = name.is_relative() && !base_dir.empty() ? base_dir / name : name;
  if (fs::is_directory(direct, ec)) return direct;
  std::string looked = "'";  // appended: GCC 12's -Wrestrict misfires on "'" + std::string
  looked += direct.string();
  looked += '\'';

  std::optional<HubId> hub = name.is_relative() ? parse_hub_id(name.string()) : std::nullopt;
  bool revision_given = hub && ((revision && !revision->empty()) || name.string().find('@') != std::string::npos);
  if (hub && revision && !revision->empty()) {
    if (name.string().find('@') == std::string::npos) {
      hub->revision = *revision;
    } else if (hub->revision != *revision) {
      throw Error(BRICK_ERR_INVALID_ARGUMENT, "model '" + name.string() + "' names revision '" + hub->revision +
                                                  "' but revision '" + *revision + "' is asked for");
    }
  }
  // A folder on the search path has no revisions: it answers a plain name.
  if (name.is_relative() && !revision_given) {
    for (const fs::path& dir : model_search_path()) {
      fs::path candidate = dir / name;
      if (fs::is_directory(candidate, ec)) return candidate;
      looked += ", '";
      looked += candidate.string();
      looked += '\'';
    }
  }
  std::string message = "no model repository '" + name.string() + "': looked at " + looked;
  if (hub) {
    HubCache cache = hub_cache();
    HubLookup found = find_in_hub_cache(*hub, cache.dir);
    if (found.snapshot) return *found.snapshot;
    message += ", and in the Hugging Face cache (" + cache.source + "): " + found.looked_at +
               ". Nothing is fetched from a network: download it into that cache with `" + hub_download_command(*hub) +
               "` (`huggingface-cli download` with an older huggingface_hub), " +
               "give a local folder, or set BRICK_MODEL_PATH to add folders";
  } else {
    message += " (set BRICK_MODEL_PATH to add folders; nothing is fetched from a network)";
  }
  throw Error(BRICK_ERR_NOT_FOUND, message);
}

}  // namespace brick::host
