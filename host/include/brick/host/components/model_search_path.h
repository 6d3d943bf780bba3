// Where model repositories are found by name, only ever on local disk: a
// pipeline file, a ComponentSpec or a command (brick run --model) names
// "shapes" or "stable-diffusion-v1-5/stable-diffusion-v1-5", and the host
// looks in BRICK_MODEL_PATH (colon-separated), then in the installation's own
// model folder (share/brick/models beside the lib/ of the libbrick in use, so
// a build tree is searched like an installation), then, for a hub id, in the
// local Hugging Face cache (hub_cache.h). Nothing is ever fetched from a
// network (docs/models.md, "Finding the model").
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace brick::host {

// BRICK_MODEL_PATH's folders, then <libdir>/../share/brick/models.
std::vector<std::filesystem::path> model_search_path();

// A repository, the first of:
//   1. `name` itself when it is an existing folder (relative to `base_dir`
//      when relative and base_dir is given, else to the working folder);
//   2. <dir>/<name> for each dir of model_search_path() (a relative name
//      without "@revision");
//   3. when `name` is a hub id ("org/name", "org/name@revision"; hub_cache.h),
//      its snapshot folder in the Hugging Face cache.
// `revision` (a ComponentSpec's) asks for that revision in the cache; it must
// agree with one given after "@". Throws Error(BRICK_ERR_NOT_FOUND) naming
// every place looked at and how to get the model.
std::filesystem::path resolve_model_repository(const std::filesystem::path& name,
                                               const std::filesystem::path& base_dir = {},
                                               const std::optional<std::string>& revision = std::nullopt);

}  // namespace brick::host
