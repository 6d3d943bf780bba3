// Where pipeline files are found by name: `brick run text2image` (or a host's
// find_pipeline("text2image")) looks for text2image.json in
// BRICK_PIPELINE_PATH's folders (colon-separated), then in the
// installation's share/brick/pipelines, where brick installs the pipelines it
// ships.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

namespace brick::host {

// BRICK_PIPELINE_PATH's folders, then <prefix>/share/brick/pipelines.
std::vector<std::filesystem::path> pipeline_search_path();
// <dir>/<name>.json of the first folder that has it.
std::optional<std::filesystem::path> find_pipeline(std::string_view name);
// Every *.json of the search path, a name found twice only the first time,
// sorted by name within each folder.
std::vector<std::filesystem::path> list_pipelines();

}  // namespace brick::host
