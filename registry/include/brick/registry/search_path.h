// Where plugins are found: the folders to search and the plugin files in
// them. The order is the precedence: folders a host or command line gives,
// then BRICK_PLUGIN_PATH (colon-separated), then the installation's own
// plugin folder (lib/brick/plugins beside libbrick, so a build tree is
// searched like an installation).
#pragma once

#include <filesystem>
#include <vector>

namespace brick::registry {

// The folders of BRICK_PLUGIN_PATH, in order (empty entries skipped).
std::vector<std::filesystem::path> plugin_path_from_environment();

// <libdir>/brick/plugins, libdir being the folder of the libbrick in use.
std::filesystem::path installed_plugin_dir();

// `given`, then BRICK_PLUGIN_PATH, then the installed plugin folder.
std::vector<std::filesystem::path> plugin_search_path(const std::vector<std::filesystem::path>& given = {});

// The *.so files directly in `dir`, sorted by name; none when it is not a folder.
std::vector<std::filesystem::path> plugin_files(const std::filesystem::path& dir);

}  // namespace brick::registry
