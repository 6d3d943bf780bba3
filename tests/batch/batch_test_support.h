// Shared by the batch suites: a temporary folder, files written and read.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

namespace brick::test {

namespace fs = std::filesystem;

class BatchDir {
 public:
  BatchDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("brick-batch-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~BatchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  BatchDir(const BatchDir&) = delete;
  BatchDir& operator=(const BatchDir&) = delete;
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

inline void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace brick::test
