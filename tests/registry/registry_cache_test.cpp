// The registry with real plugin files: scanning in a child process (crashing,
// aborting and hanging plugins), the metadata cache (warm starts open no
// library, rebuilt plugins and corrupt caches), and name conflicts.
#include <fstream>

#include "brick/host/base/error.h"
#include "brick/host/loader/host.h"
#include "brick/host/pipeline/modular_pipeline.h"
#include "brick/registry/cache.h"
#include "registry_support.h"

namespace {

using brick::registry::Registry;
using brick::test::PluginFolder;

const brick::registry::PluginRecord* bad_named(const Registry& r, const std::string& file) {
  for (const auto& b : r.bad_plugins()) {
    if (b.path.filename() == file) return &b;
  }
  return nullptr;
}

std::string all_warnings(const Registry& r) {
  std::string all;
  for (const auto& w : r.warnings()) all += w + "\n";
  return all;
}

TEST(RegistryScan, PluginsThatCrashAbortOrHangAreReportedAndTheOthersStillLoad) {
  PluginFolder folder;
  for (const char* p : {"reg_good", "reg_segv", "reg_abort", "reg_hang"}) folder.put(p);
  Registry registry(folder.options(std::chrono::milliseconds(3000)));

  ASSERT_EQ(registry.plugins().size(), 1u) << all_warnings(registry);
  EXPECT_EQ(registry.plugins()[0].name, "reg_good");
  ASSERT_NE(registry.plugins()[0].find_block("Echo"), nullptr);
  ASSERT_EQ(registry.bad_plugins().size(), 3u);
  const auto* segv = bad_named(registry, "reg_segv.so");
  const auto* abrt = bad_named(registry, "reg_abort.so");
  const auto* hang = bad_named(registry, "reg_hang.so");
  ASSERT_TRUE(segv && abrt && hang);
  EXPECT_NE(segv->reason.find("SIGSEGV"), std::string::npos) << segv->reason;
  EXPECT_NE(abrt->reason.find("SIGABRT"), std::string::npos) << abrt->reason;
  EXPECT_NE(hang->reason.find("hung"), std::string::npos) << hang->reason;
  EXPECT_NE(hang->reason.find("3000 ms"), std::string::npos) << hang->reason;
  // None of them ran in this process.
  for (const char* p : {"reg_good", "reg_segv", "reg_abort", "reg_hang"}) {
    EXPECT_FALSE(brick::test::plugin_code_ran(p)) << p;
  }
  EXPECT_EQ(registry.stats().scanned, 4u);
}

TEST(RegistryScan, BadPluginsAreRememberedUntilTheFileChanges) {
  PluginFolder folder;
  folder.put("reg_good");
  folder.put("reg_segv", "flaky");
  { Registry first(folder.options()); }
  auto options = folder.options();
  options.scan.scanner = "/nonexistent/brick-plugin-scanner";  // a rescan would fail loudly
  Registry second(options);
  EXPECT_EQ(second.stats().scanned, 0u);
  EXPECT_EQ(second.stats().cached, 2u);
  EXPECT_TRUE(second.warnings().empty()) << all_warnings(second);
  ASSERT_NE(bad_named(second, "flaky.so"), nullptr);
  EXPECT_NE(bad_named(second, "flaky.so")->reason.find("SIGSEGV"), std::string::npos);

  folder.put("reg_other", "flaky");  // fixed and rebuilt
  Registry third(folder.options());
  EXPECT_EQ(third.stats().scanned, 1u);
  EXPECT_TRUE(third.bad_plugins().empty());
  EXPECT_NE(third.find_plugin("reg_other"), nullptr);
}

TEST(RegistryCache, AWarmCacheListsAndDocumentsBlocksWithoutOpeningAnyLibrary) {
  PluginFolder folder;
  folder.put("reg_other");
  Registry cold(folder.options());
  EXPECT_EQ(cold.stats().scanned, 1u);
  EXPECT_TRUE(cold.stats().cache_written);

  auto options = folder.options();
  options.scan.scanner = "/nonexistent/brick-plugin-scanner";
  Registry warm(options);
  EXPECT_EQ(warm.stats().cached, 1u);
  EXPECT_EQ(warm.stats().scanned, 0u);
  EXPECT_TRUE(warm.warnings().empty()) << all_warnings(warm);

  brick::host::Host host;
  host.use_registry(warm);
  std::vector<std::string> names = host.block_names();
  ASSERT_EQ(names, std::vector<std::string>{"reg_other.Echo"});
  auto described = host.describe_block("reg_other.Echo");
  std::string doc = described->doc();
  EXPECT_NE(doc.find("class Echo"), std::string::npos) << doc;
  EXPECT_NE(doc.find("x (`int`)"), std::string::npos) << doc;
  EXPECT_EQ(described->required_inputs(), std::vector<std::string>{"x"});
  EXPECT_EQ(described->output_names(), std::vector<std::string>{"y"});
  // Not a runnable block: it says how to get one.
  brick::host::Components components;
  brick::host::PipelineState state;
  EXPECT_THROW((*described)(components, state), brick::host::BlockError);

  EXPECT_FALSE(brick::test::plugin_code_ran("reg_other"));
  EXPECT_FALSE(brick::test::library_mapped("/reg_other.so"));
  EXPECT_TRUE(host.plugins().empty());

  // First use loads it, and the block's doc agrees with the cached one.
  auto block = host.create_block("reg_other.Echo");
  EXPECT_TRUE(brick::test::plugin_code_ran("reg_other"));
  // Mapped from its private copy (a generation, docs/hot-reload.md).
  ASSERT_NE(host.find_plugin("reg_other"), nullptr);
  EXPECT_TRUE(brick::test::library_mapped(host.find_plugin("reg_other")->loaded_path().string()));
  EXPECT_EQ(block->doc(), doc);
  auto pipe = block->init_pipeline();
  brick::host::PipelineState out = pipe({{"x", brick::host::Value(int64_t{7})}});
  ASSERT_NE(out.find("y"), nullptr);
  EXPECT_EQ(out.find("y")->repr(), "7");
}

TEST(RegistryCache, ARebuiltPluginInvalidatesItsEntry) {
  PluginFolder folder;
  folder.put("reg_v1", "versioned");
  {
    Registry first(folder.options());
    ASSERT_NE(first.find_plugin("reg_versioned"), nullptr);
    EXPECT_EQ(first.find_plugin("reg_versioned")->version, "1.0.0");
  }
  folder.put("reg_v2", "versioned");
  Registry second(folder.options());
  EXPECT_EQ(second.stats().scanned, 1u);
  ASSERT_NE(second.find_plugin("reg_versioned"), nullptr);
  EXPECT_EQ(second.find_plugin("reg_versioned")->version, "2.0.0");

  // Touched but not changed: no rescan, the hash says it is the same file.
  auto path = folder.dir() / "versioned.so";
  std::filesystem::last_write_time(path, std::filesystem::last_write_time(path) + std::chrono::seconds(5));
  auto options = folder.options();
  options.scan.scanner = "/nonexistent/brick-plugin-scanner";
  Registry third(options);
  EXPECT_EQ(third.stats().scanned, 0u);
  EXPECT_TRUE(third.warnings().empty()) << all_warnings(third);
  EXPECT_EQ(third.find_plugin("reg_versioned")->version, "2.0.0");
}

TEST(RegistryCache, ACorruptCacheIsDiscardedWithAWarningAndRewritten) {
  PluginFolder folder;
  folder.put("reg_good");
  { std::ofstream(folder.cache()) << "{\"format\": \"brick-registry\", \"schema\": 1, \"plugins\": [tru"; }
  Registry registry(folder.options());
  ASSERT_EQ(registry.warnings().size(), 1u);
  EXPECT_NE(registry.warnings()[0].find("is corrupt"), std::string::npos) << registry.warnings()[0];
  EXPECT_NE(registry.warnings()[0].find(folder.cache().string()), std::string::npos);
  EXPECT_NE(registry.find_plugin("reg_good"), nullptr);
  EXPECT_TRUE(registry.stats().cache_written);

  Registry again(folder.options());
  EXPECT_TRUE(again.warnings().empty()) << all_warnings(again);
  EXPECT_EQ(again.stats().cached, 1u);
}

TEST(RegistryCache, ACacheOfAnotherHostOrFormatIsNotTrusted) {
  PluginFolder folder;
  folder.put("reg_good");
  { Registry first(folder.options()); }
  auto other_host = folder.options();
  other_host.fingerprint.torch = "9.9.9";
  Registry foreign(other_host);
  ASSERT_EQ(foreign.warnings().size(), 1u);
  EXPECT_NE(foreign.warnings()[0].find("another host"), std::string::npos) << foreign.warnings()[0];
  EXPECT_EQ(foreign.stats().scanned, 1u);

  { std::ofstream(folder.cache()) << "{\"format\": \"something-else\"}"; }
  Registry wrong_format(folder.options());
  ASSERT_EQ(wrong_format.warnings().size(), 1u);
  EXPECT_NE(wrong_format.warnings()[0].find("not a brick registry cache"), std::string::npos);

  // A well-formed entry with a wrong field type is corruption too.
  brick::registry::write_cache(folder.cache(), folder.options().fingerprint, {});
  std::string text;
  {
    std::ifstream in(folder.cache());
    std::getline(in, text);
  }
  text.replace(text.find("\"plugins\":[]"), 12, "\"plugins\":[{\"path\":3}]");
  { std::ofstream(folder.cache()) << text; }
  Registry damaged(folder.options());
  ASSERT_EQ(damaged.warnings().size(), 1u);
  EXPECT_NE(damaged.warnings()[0].find("is corrupt"), std::string::npos) << damaged.warnings()[0];
}

TEST(RegistryNames, TwoPluginsClaimingOneNameAreReportedNamingBothFiles) {
  PluginFolder folder;
  auto a = folder.put("reg_dup_a");
  auto b = folder.put("reg_dup_b");
  Registry registry(folder.options());
  ASSERT_EQ(registry.conflicts().size(), 1u);
  EXPECT_EQ(registry.conflicts()[0].plugin, "reg_dup");
  EXPECT_EQ(registry.conflicts()[0].used, a);
  EXPECT_EQ(registry.conflicts()[0].ignored, b);
  std::string warnings = all_warnings(registry);
  EXPECT_NE(warnings.find(a.string()), std::string::npos) << warnings;
  EXPECT_NE(warnings.find(b.string()), std::string::npos) << warnings;
  EXPECT_NE(warnings.find("reg_dup.Echo"), std::string::npos) << warnings;
  // The first in search order provides the block.
  auto matches = registry.find_blocks("reg_dup.Echo");
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].plugin->path, a);
}

TEST(RegistryNames, ABareBlockNameFindsItInEveryPlugin) {
  PluginFolder folder;
  folder.put("reg_good");
  folder.put("reg_other");
  Registry registry(folder.options());
  auto matches = registry.find_blocks("Echo");
  ASSERT_EQ(matches.size(), 2u);
  EXPECT_EQ(matches[0].qualified_name(), "reg_good.Echo");
  EXPECT_EQ(matches[1].qualified_name(), "reg_other.Echo");
  EXPECT_TRUE(registry.find_blocks("reg_good.Nope").empty());
}

}  // namespace

namespace {

TEST(RegistryScan, AScannerThatCannotStartBlamesNoPlugin) {
  PluginFolder folder;
  folder.put("reg_good");
  auto options = folder.options();
  options.scan.scanner = "/bin/false";  // exits at once, never ready
  Registry broken(options);
  EXPECT_TRUE(broken.plugins().empty());
  EXPECT_TRUE(broken.bad_plugins().empty());
  ASSERT_EQ(broken.warnings().size(), 1u);
  EXPECT_NE(broken.warnings()[0].find("failed to start (exit status 1)"), std::string::npos) << broken.warnings()[0];
  // Nothing was remembered: with a working scanner the plugin is found.
  Registry fixed(folder.options());
  EXPECT_EQ(fixed.stats().scanned, 1u);
  EXPECT_NE(fixed.find_plugin("reg_good"), nullptr);
}

}  // namespace
