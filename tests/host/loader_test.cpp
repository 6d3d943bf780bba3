// Plugin loading: a good plugin loads with its metadata; every kind of bad
// file is refused with a message that names the file and the reason, and the
// host goes on with the others.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "brick/host/base/error.h"
#include "brick/host/loader/host.h"
#include "test_support.h"

using brick::host::Host;
using brick::host::PluginLoadError;
using brick::test::plugin_path;

namespace {

// The refusal of loading `path`, or a test failure if it loads.
PluginLoadError refusal(const std::filesystem::path& path) {
  Host host;
  try {
    host.load_plugin(path);
  } catch (const PluginLoadError& e) {
    return e;
  }
  ADD_FAILURE() << path << " loaded";
  return PluginLoadError(BRICK_OK, "", "loaded");
}

void expect_refused(const std::string& file, brick_status status, const std::string& reason) {
  PluginLoadError e = refusal(plugin_path(file));
  EXPECT_EQ(e.status(), status) << e.what();
  std::string message = e.what();
  EXPECT_NE(message.find(plugin_path(file)), std::string::npos) << message;
  EXPECT_NE(message.find(reason), std::string::npos) << message;
}

}  // namespace

TEST(Loader, LoadsAGoodPluginWithItsMetadata) {
  Host host;
  auto plugin = host.load_plugin(plugin_path("test_blocks"));
  EXPECT_EQ(plugin->name(), "test_blocks");
  EXPECT_EQ(plugin->version(), "1.2.3");
  EXPECT_EQ(plugin->description(), "Leaf blocks for the brick test suite");
  EXPECT_EQ(plugin->abi().str(), brick::host::kHostAbi.str());
  EXPECT_NE(plugin->torch_fingerprint().find("torch="), std::string::npos);
  ASSERT_NE(plugin->find_block_class("Add"), nullptr);
  EXPECT_EQ(plugin->find_block_class("Add")->qualified_name(), "test_blocks.Add");
  EXPECT_EQ(plugin->find_block_class("Add")->description(), "out = a + alpha * b");
  EXPECT_EQ(plugin->find_block_class("Nope"), nullptr);
  EXPECT_EQ(host.load_plugin(plugin_path("test_blocks")), plugin);  // same file, same plugin
}

TEST(Loader, LoadsAPortablePlugin) {
  Host host;
  auto plugin = host.load_plugin(plugin_path("test_portable"));
  EXPECT_EQ(plugin->name(), "test_portable");
  EXPECT_TRUE(plugin->torch_fingerprint().empty());
  EXPECT_EQ(host.create_block("test_portable.Double")->class_name(), "Double");
}

TEST(Loader, RefusesAnotherAbiMajorBeforeRunningItsCode) {
  unsetenv("BRICK_TEST_PLUGIN_CODE_RAN");
  expect_refused("broken_abi_major", BRICK_ERR_ABI_MISMATCH,
                 "it was built for brick ABI 2." + std::to_string(BRICK_ABI_VERSION_MINOR) +
                     ", but this host speaks ABI " + brick::host::kHostAbi.str() + "; major versions must match");
  // The plugin sets this variable from a static constructor: it never ran.
  EXPECT_EQ(std::getenv("BRICK_TEST_PLUGIN_CODE_RAN"), nullptr);
}

TEST(Loader, RefusesANewerAbiMinor) {
  expect_refused("broken_abi_minor", BRICK_ERR_ABI_MISMATCH,
                 "it was built for brick ABI 1." + std::to_string(BRICK_ABI_VERSION_MINOR + 1) +
                     ", newer than this host's ABI " + brick::host::kHostAbi.str());
}

TEST(Loader, LoadsAndRunsAPluginBuiltForAnOlderMinor) {
  // test_abi_1_0 declares ABI 1.0 and hands over the 1.0 layouts of its
  // block declaration and instance (without the 1.1 fields).
  Host host;
  auto plugin = host.load_plugin(plugin_path("test_abi_1_0"));
  EXPECT_EQ(plugin->abi().str(), "1.0");
  auto block = host.create_block("test_abi_1_0.Noop");
  EXPECT_TRUE(block->is_leaf());
  EXPECT_NO_THROW(block->init_pipeline()({}));
  brick::host::Components components;
  brick::host::BlockState state;
  try {
    block->loop_call(components, state, {});
    FAIL() << "a 1.0 block ran inside a loop";
  } catch (const brick::host::Error& e) {
    EXPECT_EQ(std::string(e.what()), "block 'test_abi_1_0.Noop' cannot run inside a loop (it has no loop_call)");
  }
}

TEST(Loader, RefusesAMalformedTag) { expect_refused("broken_magic", BRICK_ERR_BAD_PLUGIN, "ABI tag is malformed"); }

TEST(Loader, RefusesAFileThatIsNotASharedObject) {
  expect_refused("not_a_plugin", BRICK_ERR_BAD_PLUGIN, "is not a shared object (no ELF header)");
}

TEST(Loader, RefusesAMissingFile) { expect_refused("no_such_plugin", BRICK_ERR_NOT_FOUND, "no such file"); }

TEST(Loader, RefusesASharedObjectWithoutTheTag) {
  expect_refused("broken_no_tag", BRICK_ERR_BAD_PLUGIN, "not a brick plugin (it exports no 'brick_plugin_abi' symbol)");
}

TEST(Loader, RefusesAPluginWithoutEntryPoint) {
  expect_refused("broken_no_entry", BRICK_ERR_BAD_PLUGIN, "it has no entry point 'brick_plugin_entry'");
}

TEST(Loader, RefusesAPluginWithAnUnresolvedSymbol) {
  expect_refused("broken_missing_symbol", BRICK_ERR_BAD_PLUGIN, "brick_test_symbol_that_does_not_exist");
}

TEST(Loader, ReportsAnEntryPointThatFails) {
  expect_refused("broken_entry_fails", BRICK_ERR_BAD_PLUGIN,
                 "its entry point failed: cannot initialise: no licence file found");
}

TEST(Loader, RefusesDuplicateBlockNames) {
  expect_refused("broken_duplicate_block", BRICK_ERR_BAD_PLUGIN, "exports block 'Noop' twice");
}

TEST(Loader, RefusesANameThatIsNotAnIdentifier) {
  expect_refused("broken_name", BRICK_ERR_BAD_PLUGIN, "its name 'broken-name' is not an identifier");
}

TEST(Loader, RefusesAPluginBuiltAgainstAnotherLibTorch) {
  expect_refused("broken_torch", BRICK_ERR_ABI_MISMATCH, "was built against LibTorch 'torch=0.0.1;cxx11abi=0'");
}

namespace {
// A copy of a good plugin, altered by `edit`, in a temporary file.
std::filesystem::path altered_copy(const std::string& name, void (*edit)(std::string&)) {
  std::ifstream in(plugin_path("test_minimal"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  edit(bytes);
  std::filesystem::path path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}
}  // namespace

TEST(Loader, RefusesASharedObjectForAnotherMachine) {
  auto path = altered_copy("brick_test_aarch64.so", [](std::string& elf) {
    elf[18] = static_cast<char>(183);  // e_machine = EM_AARCH64
    elf[19] = 0;
  });
  EXPECT_NE(std::string(refusal(path).what()).find("was built for another machine architecture (ELF machine 183)"),
            std::string::npos);
  std::filesystem::remove(path);
}

TEST(Loader, RefusesATruncatedSharedObject) {
  auto path = altered_copy("brick_test_truncated.so", [](std::string& elf) { elf.resize(200); });
  std::string message = refusal(path).what();
  EXPECT_NE(message.find("is a truncated ELF file"), std::string::npos) << message;
  std::filesystem::remove(path);
}

TEST(Loader, LoadingAFolderCarriesOnPastBrokenPlugins) {
  Host host;
  brick::test::LogCapture log;
  auto failures = host.load_plugins({TEST_PLUGIN_DIR});
  // Every broken_* file but broken_decl (whose defect shows only when a block
  // is created) and not_a_plugin.so fail; the others all load.
  for (const char* good :
       {"test_blocks", "test_blocks_dlpack", "test_throwing", "test_portable", "test_minimal", "broken_decl"}) {
    EXPECT_NE(host.find_plugin(good), nullptr) << good;
  }
  EXPECT_EQ(failures.size(), 11u);
  for (const auto& failure : failures) {
    std::string file = failure.path.filename().string();
    EXPECT_TRUE(file.rfind("broken_", 0) == 0 || file == "not_a_plugin.so") << file;
    EXPECT_TRUE(log.contains(failure.reason)) << failure.reason;
  }
  // A plugin that loaded still works.
  EXPECT_NO_THROW(host.create_block("test_minimal.Noop")->init_pipeline()());
  // A path that does not exist is one more failure, not a stop.
  auto more = host.load_plugins({"/nonexistent/plugin.so", plugin_path("test_minimal")});
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(more[0].status, BRICK_ERR_NOT_FOUND);
}

TEST(Loader, RefusesASecondPluginWithATakenName) {
  Host host;
  host.load_plugin(plugin_path("test_minimal"));
  std::filesystem::path copy = std::filesystem::temp_directory_path() / "brick_loader_test_copy.so";
  std::filesystem::copy_file(plugin_path("test_minimal"), copy, std::filesystem::copy_options::overwrite_existing);
  try {
    host.load_plugin(copy);
    FAIL() << "a second plugin named test_minimal loaded";
  } catch (const PluginLoadError& e) {
    EXPECT_NE(std::string(e.what()).find("the name 'test_minimal' is already taken by " + plugin_path("test_minimal")),
              std::string::npos)
        << e.what();
  }
  std::filesystem::remove(copy);
}

TEST(Loader, UnknownBlockListsWhatIsLoaded) {
  Host host;
  host.load_plugin(plugin_path("test_minimal"));
  host.load_plugin(plugin_path("test_portable"));
  try {
    host.create_block("test_minimal.Missing");
    FAIL();
  } catch (const brick::host::Error& e) {
    EXPECT_EQ(e.status(), BRICK_ERR_NOT_FOUND);
    EXPECT_STREQ(e.what(),
                 "unknown block 'test_minimal.Missing' (blocks are named plugin.Block); loaded: test_minimal (Noop); "
                 "test_portable (Double)");
  }
}
