// Where the running libbrick is installed, and search paths read from the
// environment. A build tree is laid out like an installation (bin/, lib/,
// share/brick/), so it is searched the same way.
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

namespace brick::host {

// The prefix of the libbrick in use: the folder above its lib/ folder; empty
// when it cannot be told.
std::filesystem::path installation_prefix();
// <prefix>/share/brick/<what>, e.g. "models", "pipelines"; empty without a prefix.
std::filesystem::path installation_data_dir(std::string_view what);
// The non-empty folders of a colon-separated environment variable, in order.
std::vector<std::filesystem::path> paths_from_environment(const char* variable);

}  // namespace brick::host
