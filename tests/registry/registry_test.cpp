// The registry's pieces that need no loading: the plugin search path and
// reading a plugin's ABI tag from its file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "brick/registry/abi_probe.h"
#include "brick/registry/search_path.h"

namespace fs = std::filesystem;
using brick::registry::AbiTagProbe;

namespace {
std::string plugin(const std::string& name) { return std::string(TEST_PLUGIN_DIR) + "/" + name + ".so"; }
}  // namespace

TEST(SearchPath, EnvironmentFoldersComeAfterGivenOnesAndBeforeTheInstalledOne) {
  setenv("BRICK_PLUGIN_PATH", "/a::/b/c:", 1);
  auto dirs = brick::registry::plugin_search_path({"/given"});
  unsetenv("BRICK_PLUGIN_PATH");
  ASSERT_EQ(dirs.size(), 4u);
  EXPECT_EQ(dirs[0], "/given");
  EXPECT_EQ(dirs[1], "/a");
  EXPECT_EQ(dirs[2], "/b/c");
  EXPECT_EQ(dirs[3], brick::registry::installed_plugin_dir());
}

TEST(SearchPath, TheInstalledFolderIsBesideLibbrick) {
  // In the build tree: build/lib/libbrick.so and build/lib/brick/plugins.
  EXPECT_EQ(brick::registry::installed_plugin_dir(), fs::canonical(BRICK_BINARY_DIR) / "lib/brick/plugins");
  EXPECT_TRUE(fs::exists(brick::registry::installed_plugin_dir() / "example.so"));
}

TEST(SearchPath, PluginFilesAreTheSharedObjectsOfAFolderInOrder) {
  auto files = brick::registry::plugin_files(TEST_PLUGIN_DIR);
  ASSERT_FALSE(files.empty());
  EXPECT_TRUE(std::is_sorted(files.begin(), files.end()));
  for (const auto& f : files) EXPECT_EQ(f.extension(), ".so");
  EXPECT_TRUE(brick::registry::plugin_files("/nonexistent").empty());
}

TEST(AbiProbe, ReadsTheTagWithoutLoading) {
  AbiTagProbe probe = brick::registry::read_abi_tag(plugin("test_minimal"));
  ASSERT_EQ(probe.result, AbiTagProbe::Result::Found);
  EXPECT_EQ(probe.tag.magic, BRICK_ABI_MAGIC);
  EXPECT_EQ(probe.tag.major, BRICK_ABI_VERSION_MAJOR);
  EXPECT_EQ(probe.tag.minor, BRICK_ABI_VERSION_MINOR);
  EXPECT_EQ(brick::registry::read_abi_tag(plugin("broken_abi_major")).tag.major, BRICK_ABI_VERSION_MAJOR + 1);
}

TEST(AbiProbe, TellsWhyAFileIsNotAPlugin) {
  EXPECT_EQ(brick::registry::read_abi_tag(plugin("broken_no_tag")).result, AbiTagProbe::Result::NoTag);
  AbiTagProbe text = brick::registry::read_abi_tag(plugin("not_a_plugin"));
  EXPECT_EQ(text.result, AbiTagProbe::Result::Unreadable);
  EXPECT_EQ(text.reason, "is not a shared object (no ELF header)");
  EXPECT_EQ(brick::registry::read_abi_tag("/nonexistent.so").reason, "cannot be read");
}
