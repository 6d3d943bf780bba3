// Version requirements, the content hash, and lock files (a changed plugin is
// refused by a host run with the lock, before its library is opened).
#include <fstream>

#include "brick/host/base/error.h"
#include "brick/host/loader/host.h"
#include "brick/registry/content_hash.h"
#include "brick/registry/error.h"
#include "brick/registry/lock_file.h"
#include "brick/registry/version_requirement.h"
#include "registry_support.h"

namespace {

using brick::registry::check_version_requirement;
using brick::registry::VersionRequirement;

TEST(VersionRequirement, ClausesAndSets) {
  EXPECT_TRUE(VersionRequirement::parse(">=1.2").satisfied_by("1.2.0"));
  EXPECT_TRUE(VersionRequirement::parse(">=1.2").satisfied_by("1.10"));
  EXPECT_FALSE(VersionRequirement::parse(">=1.2").satisfied_by("1.1.9"));
  EXPECT_TRUE(VersionRequirement::parse("==1.2.0").satisfied_by("1.2"));
  EXPECT_FALSE(VersionRequirement::parse("==1.2.0").satisfied_by("1.2.1"));
  EXPECT_TRUE(VersionRequirement::parse("1.2.0").satisfied_by("1.2.0"));
  EXPECT_TRUE(VersionRequirement::parse("<2").satisfied_by("1.99.3"));
  EXPECT_FALSE(VersionRequirement::parse("<2").satisfied_by("2.0.0"));
  EXPECT_TRUE(VersionRequirement::parse(">=1.2, <2").satisfied_by("1.5"));
  EXPECT_FALSE(VersionRequirement::parse(">=1.2, <2").satisfied_by("2.1"));
  EXPECT_TRUE(VersionRequirement::parse("!=1.3,>1").satisfied_by("1.4.0-rc1"));
  EXPECT_FALSE(VersionRequirement::parse(">1").satisfied_by("1.0.0"));
  EXPECT_TRUE(VersionRequirement::parse("<=1.0").satisfied_by("1.0.0"));
}

TEST(VersionRequirement, UnmetAndMalformedRequirementsSayWhatAndWhich) {
  EXPECT_EQ(check_version_requirement("core", "1.3.0", ">=1.2"), "");
  EXPECT_EQ(check_version_requirement("core", "1.1.0", ">=1.2"),
            "plugin 'core' is version 1.1.0, which does not satisfy the requirement '>=1.2'");
  std::string bad = check_version_requirement("core", "1.1.0", ">=one");
  EXPECT_NE(bad.find("'core'"), std::string::npos) << bad;
  EXPECT_NE(bad.find("'>=one'"), std::string::npos) << bad;
  EXPECT_THROW(VersionRequirement::parse(">=1.2,"), brick::registry::RegistryError);

  auto errors = brick::registry::check_version_requirements({{"core", ">=1.2"}, {"extra", "<2"}, {"ok", "1"}},
                                                            {{"core", "1.0"}, {"ok", "1.0.0"}});
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors[0].find("'core' is version 1.0"), std::string::npos) << errors[0];
  EXPECT_NE(errors[1].find("'extra' is required (<2) but was not found"), std::string::npos) << errors[1];
}

TEST(ContentHash, DetectsAnyChange) {
  using brick::registry::content_hash;
  EXPECT_EQ(content_hash("abcdefgh12"), content_hash("abcdefgh12"));
  EXPECT_NE(content_hash("abcdefgh12"), content_hash("abcdefgh13"));
  EXPECT_NE(content_hash(std::string("abc")), content_hash(std::string("abc\0", 4)));
  EXPECT_NE(content_hash(""), content_hash(std::string(8, '\0')));
  EXPECT_EQ(brick::registry::hash_text(0x1234).rfind("fnv1a64:0000000000001234", 0), 0u);
  auto a = brick::registry::file_content_hash(brick::test::registry_plugin("reg_v1"));
  auto b = brick::registry::file_content_hash(brick::test::registry_plugin("reg_v2"));
  EXPECT_NE(a, b);
  EXPECT_EQ(a, brick::registry::file_content_hash(brick::test::registry_plugin("reg_v1")));
  EXPECT_THROW(brick::registry::file_content_hash("/nonexistent.so"), brick::registry::RegistryError);
}

TEST(LockFile, RoundTripsAndRefusesAChangedPluginNamingIt) {
  brick::test::PluginFolder folder;
  folder.put("reg_v1", "versioned");
  brick::registry::LockFile lock;
  {
    brick::registry::Registry registry(folder.options());
    ASSERT_NE(registry.find_plugin("reg_versioned"), nullptr);
    lock.add(*registry.find_plugin("reg_versioned"));
    EXPECT_TRUE(brick::registry::verify_lock(lock, registry.plugins(), {"reg_versioned"}).empty());
  }
  lock.write(folder.root() / "brick.lock");
  lock = brick::registry::LockFile::read(folder.root() / "brick.lock");
  ASSERT_EQ(lock.entries().size(), 1u);
  EXPECT_EQ(lock.entries()[0].version, "1.0.0");

  folder.put("reg_v2", "versioned");  // someone swapped the plugin
  brick::registry::Registry registry(folder.options());
  auto errors = brick::registry::verify_lock(lock, registry.plugins(), {"reg_versioned", "absent"});
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors[0].find("plugin 'reg_versioned'"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("hash"), std::string::npos) << errors[0];
  EXPECT_NE(errors[1].find("'absent' is not in the lock file"), std::string::npos) << errors[1];

  // A host run with the lock refuses it before opening the library.
  brick::host::Host host;
  host.use_registry(registry);
  host.use_lock(lock);
  try {
    host.create_block("reg_versioned.Echo");
    FAIL() << "a plugin whose hash differs from the lock was loaded";
  } catch (const brick::host::PluginLoadError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("plugin 'reg_versioned'"), std::string::npos) << message;
    EXPECT_NE(message.find(lock.entries()[0].hash), std::string::npos) << message;
    EXPECT_NE(message.find("brick.lock"), std::string::npos) << message;
  }
  EXPECT_FALSE(brick::test::plugin_code_ran("reg_versioned"));
  // Loading the file by path is refused too.
  EXPECT_THROW(host.load_plugin(folder.dir() / "versioned.so"), brick::host::PluginLoadError);
  EXPECT_FALSE(brick::test::plugin_code_ran("reg_versioned"));
}

TEST(LockFile, MalformedLockFilesAreErrorsNamingTheFile) {
  brick::test::PluginFolder folder;
  auto file = folder.root() / "bad.lock";
  { std::ofstream(file) << "{\"format\": \"brick-lock\", \"schema\": 1, \"plugins\": {\"x\": {\"version\": 1}}}"; }
  try {
    brick::registry::LockFile::read(file);
    FAIL();
  } catch (const brick::registry::RegistryError& e) {
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("plugin 'x'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(brick::registry::LockFile::read(folder.root() / "none.lock"), brick::registry::RegistryError);
}

}  // namespace
