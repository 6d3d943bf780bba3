// Installing a build of the hot-reload test plugin (tests/reload/CMakeLists.txt
// builds reload_v1, reload_v2, the broken v3s, ... into RELOAD_PLUGIN_DIR)
// over a plugin file the ways a user does: `install` (a new file renamed
// over the old) and `cp` (the bytes written into the existing file).
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace reload_test {

inline std::filesystem::path build_of(const std::string& name) {
  return std::filesystem::path(RELOAD_PLUGIN_DIR) / (name + ".so");
}

// What `install` and package managers do: a new file renamed over the old.
inline void install_by_rename(const std::string& build, const std::filesystem::path& target) {
  std::filesystem::path temporary = target.parent_path() / (".install." + target.filename().string());
  std::filesystem::copy_file(build_of(build), temporary, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::rename(temporary, target);
}

// What `cp` does: the bytes written into the existing file (same inode).
inline void install_by_copy(const std::string& build, const std::filesystem::path& target) {
  std::ifstream in(build_of(build), std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  std::string bytes = text.str();
  int fd = ::open(target.c_str(), O_WRONLY | O_TRUNC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  ::close(fd);
}

}  // namespace reload_test
