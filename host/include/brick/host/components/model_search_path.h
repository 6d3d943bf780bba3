// Where modular repositories are found by name, as a hub id is found in the
// Hugging Face cache, but only on local disk: a pipeline file or a command
// names "shapes", and the host looks in BRICK_MODEL_PATH (colon-separated),
// then in the installation's own model folder (share/brick/models beside the
// lib/ of the libbrick in use, so a build tree is searched like an
// installation). Nothing is ever fetched from a network.
#pragma once

#include <filesystem>
#include <vector>

namespace brick::host {

// BRICK_MODEL_PATH's folders, then <libdir>/../share/brick/models.
std::vector<std::filesystem::path> model_search_path();

// A repository: `name` itself when it is an existing folder (relative to
// `base_dir` when relative and base_dir is given, else to the working
// folder), else the first <dir>/<name> of model_search_path() that exists.
// Throws Error(BRICK_ERR_NOT_FOUND) listing every place looked at.
std::filesystem::path resolve_model_repository(const std::filesystem::path& name,
                                               const std::filesystem::path& base_dir = {});

}  // namespace brick::host
