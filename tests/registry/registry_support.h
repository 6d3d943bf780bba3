// Helpers of the registry suites: a temporary plugin folder holding copies of
// the registry test plugins, and a registry over it with its own cache file.
#pragma once

#include <gtest/gtest.h>
#include <link.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "brick/host/loader/registry.h"
#include "brick/registry/registry.h"

namespace brick::test {

namespace fs = std::filesystem;

inline fs::path registry_plugin(const std::string& name) { return fs::path(REGISTRY_TEST_PLUGIN_DIR) / (name + ".so"); }

// A fresh folder under the build tree's temporary area, removed afterwards.
class PluginFolder {
 public:
  PluginFolder() {
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::temp_directory_path() /
            ("brick-registry-" + std::to_string(::getpid()) + "-" + info->test_suite_name() + "." + info->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "plugins");
  }
  ~PluginFolder() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  fs::path dir() const { return root_ / "plugins"; }
  fs::path cache() const { return root_ / "cache.json"; }
  fs::path root() const { return root_; }

  // Copies test plugin `from` into the folder as <as>.so; a later copy over
  // the same name gets a later mtime, as a rebuild would.
  fs::path put(const std::string& from, const std::string& as = "") {
    fs::path to = dir() / ((as.empty() ? from : as) + ".so");
    bool existed = fs::exists(to);
    auto old_time = existed ? fs::last_write_time(to) : fs::file_time_type{};
    fs::copy_file(registry_plugin(from), to, fs::copy_options::overwrite_existing);
    if (existed) fs::last_write_time(to, old_time + std::chrono::seconds(2));
    return to;
  }

  registry::RegistryOptions options(std::chrono::milliseconds timeout = std::chrono::milliseconds(20000)) const {
    registry::RegistryOptions o = host::registry_options({dir()});
    o.cache_file = cache();
    o.scan.timeout = timeout;
    return o;
  }

 private:
  fs::path root_;
};

// Whether this process has a library whose path ends in `file_name` mapped.
inline bool library_mapped(const std::string& file_name) {
  struct Search {
    std::string name;
    bool found = false;
  } search{file_name};
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) {
        auto* s = static_cast<Search*>(data);
        std::string path = info->dlpi_name ? info->dlpi_name : "";
        if (path.size() >= s->name.size() && path.compare(path.size() - s->name.size(), s->name.size(), s->name) == 0) {
          s->found = true;
        }
        return 0;
      },
      &search);
  return search.found;
}

inline bool plugin_code_ran(const std::string& plugin_name) {
  return std::getenv(("BRICK_TEST_LOADED_" + plugin_name).c_str()) != nullptr;
}

}  // namespace brick::test
