// The ABI's edges (issue 12): structs read by whole versions, published
// values frozen, statuses and messages that say what failed, no leak of a
// refused instance, shutdown once per library.
#include <gtest/gtest.h>

#include <c10/util/Exception.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "brick/brick_abi_layout.h"
#include "brick/host/components/component_types.h"
#include "brick/host/plugin/plugin.h"
#include "brick/host/value/object.h"
#include "gtest/gtest.h"
#include "hardening_support.h"

using namespace brick::host;
using brick::test::block_error_of;
using brick::test::hardening_host;
using brick::test::pipeline_of;
using brick::test::run_block;

namespace fs = std::filesystem;

namespace {

std::shared_ptr<Object> make_component(const std::string& type) {
  ComponentSpec spec;
  spec.name = "component";
  spec.type_hint = type;
  spec.default_creation_method = CreationMethod::FromConfig;
  spec.config = Value::dict({});
  return hardening_host().component_types()->create(spec);
}

fs::path scratch(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("brick-hardening-" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string status_of(int64_t status) { return brick_status_name(static_cast<brick_status>(status)); }

}  // namespace

// ---- structs are read by whole versions -----------------------------------

TEST(StructVersions, EveryVersionIsPinned) {
  // brick_abi_layout.h pins them with static_asserts; these say the numbers a
  // reader of this file would look for.
  EXPECT_EQ(BRICK_BLOCK_DECL_SIZE_1_0, 96u);
  EXPECT_EQ(BRICK_BLOCK_DECL_END_1_0, 92u);  // 4 bytes of tail padding in a 1.0 declaration
  EXPECT_EQ(offsetof(brick_block_decl, kind), BRICK_BLOCK_DECL_END_1_0);
  EXPECT_EQ(BRICK_BLOCK_DECL_SIZE_1_1, 160u);
  EXPECT_EQ(BRICK_BLOCK_DECL_SIZE_1_2, sizeof(brick_block_decl));
  EXPECT_EQ(BRICK_BLOCK_SIZE_1_0, 40u);
  EXPECT_EQ(BRICK_PLUGIN_SIZE_1_0, 56u);
  EXPECT_EQ(BRICK_HOST_API_SIZE_1_1, sizeof(brick_host_api));  // 1.2 appended no function
}

TEST(StructVersions, ARealAbi10DeclarationWithGarbagePaddingIsALeaf) {
  // test_abi_1_0 hands over a 96-byte 1.0 declaration whose tail padding
  // (where 1.1 put `kind`) is 0xA5 bytes: read as a 1.1 field, the block
  // would have kind 0xA5A5A5A5 and be refused.
  std::shared_ptr<Plugin> plugin = hardening_host().find_plugin("test_abi_1_0");
  ASSERT_TRUE(plugin);
  EXPECT_EQ(plugin->abi().minor, 0);
  ModularPipeline pipe = pipeline_of("test_abi_1_0.Noop");
  EXPECT_NO_THROW(pipe({}));
}

// ---- published values are frozen -----------------------------------------

TEST(FrozenValues, APluginCannotGrowWhatWasPublished) {
  ModularPipeline pipe = pipeline_of("test_hardening_c.MutatePublished");
  // The nested list has one owner, the dict: the old use_count check let a
  // plugin grow it, changing the caller's value and the state behind
  // write-back's back.
  Value payload = Value::dict({{"items", Value::list({1, 2})}});
  PipelineState out = pipe({{"payload", payload}});

  EXPECT_EQ(status_of(out.get("nested_status").as_int()), "immutable value");
  EXPECT_EQ(payload, Value::dict({{"items", Value::list({1, 2})}}));
  // last_error(NULL): a function without a ctx says why it failed.
  EXPECT_EQ(out.get("nested_error").as_string(),
            "value_list_append: the list [1, 2] is frozen: it was published (stored in a state, a container or a "
            "config, or handed out by the host); only a value made with value_new_list / value_new_dict and not yet "
            "passed on can grow (build a new one)");

  // The pipeline's config dict (one owner, too).
  EXPECT_EQ(status_of(out.get("config_status").as_int()), "immutable value");
  EXPECT_NE(out.get("config_error").as_string().find("value_dict_set: the dict {'mode': 'fast'} is frozen"),
            std::string::npos)
      << out.get("config_error").as_string();
  EXPECT_EQ(*pipe.components().config("options"), Value::dict({{"mode", "fast"}}));

  // Its own new list grows until it is published (here: retained).
  EXPECT_EQ(status_of(out.get("own_status").as_int()), "ok");
  EXPECT_EQ(status_of(out.get("retained_status").as_int()), "immutable value");
}

// ---- statuses and messages --------------------------------------------------

TEST(ErrorMapping, NoStaleMessage) {
  // The block's failed component_call left a message; a later host call
  // succeeded; the block then failed without a message of its own.
  BlockError e = block_error_of("test_hardening_c.StaleError");
  EXPECT_EQ(e.status(), BRICK_ERR_BLOCK_FAILED);
  EXPECT_STREQ(e.what(), "Error in block 'test_hardening_c.StaleError': block failed");
}

namespace {
// Host objects that fail in ways a plugin must never see as an exception.
class ThrowsInt : public Object {
 public:
  std::string class_name() const override { return "ThrowsInt"; }
  Value call(std::string_view, const Value&) override { throw 42; }
};
class ThrowsDeviceOutOfMemory : public Object {
 public:
  std::string class_name() const override { return "ThrowsDeviceOutOfMemory"; }
  Value call(std::string_view, const Value&) override {
    throw c10::OutOfMemoryError(c10::SourceLocation{__func__, __FILE__, static_cast<uint32_t>(__LINE__)},
                                "CUDA out of memory. Tried to allocate 2.00 GiB");
  }
};

PipelineState call_thing(std::shared_ptr<Object> thing) {
  ModularPipeline pipe = pipeline_of("test_hardening_c.CallThing");
  pipe.update_components({{"thing", Value(std::move(thing))}});
  return pipe({});
}
}  // namespace

TEST(ErrorMapping, HostCallsCatchEverything) {
  // A non-std exception used to terminate the process (the host function is noexcept).
  PipelineState out = call_thing(std::make_shared<ThrowsInt>());
  EXPECT_EQ(status_of(out.get("status").as_int()), "internal error");
  EXPECT_EQ(out.get("message").as_string(), "unknown exception (not derived from std::exception)");
}

TEST(ErrorMapping, DeviceOutOfMemoryHasItsOwnStatus) {
  // Through a host call...
  PipelineState out = call_thing(std::make_shared<ThrowsDeviceOutOfMemory>());
  EXPECT_EQ(out.get("status").as_int(), BRICK_ERR_DEVICE_OUT_OF_MEMORY);
  EXPECT_NE(out.get("message").as_string().find("CUDA out of memory. Tried to allocate 2.00 GiB"), std::string::npos);
  // ... and out of a block.
  BlockError e = block_error_of("test_hardening.ThrowsDeviceOutOfMemory");
  EXPECT_EQ(e.status(), BRICK_ERR_DEVICE_OUT_OF_MEMORY);
  EXPECT_NE(std::string(e.what()).find("CUDA out of memory. Tried to allocate 20.00 GiB"), std::string::npos)
      << e.what();
}

TEST(ErrorMapping, AnUnknownMethodHasItsOwnStatus) {
  std::shared_ptr<Object> plain = make_component("test_hardening.Plain");
  try {
    plain->call("step", Value());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), BRICK_ERR_UNKNOWN_METHOD);
    EXPECT_STREQ(e.what(), "test_hardening.Plain.step: component has no method 'step'");
  }
  // The host's opt-in conventions (save_pretrained, state_dict) go by the
  // status, whatever the message: Quiet words it its own way.
  std::shared_ptr<Object> quiet = make_component("test_hardening_c.Quiet");
  fs::path folder = scratch("quiet");
  EXPECT_NO_THROW(quiet->save(folder));
  EXPECT_TRUE(fs::exists(folder / "config.json"));
}

TEST(ErrorMapping, APluginBuiltFor11KeepsItsNotFound) {
  // Its unknown methods (NOT_FOUND "component has no method 'x'") are unknown methods to the host...
  std::shared_ptr<Object> quiet = make_component("test_hardening_abi_1_1.Quiet");
  try {
    quiet->call("step", Value());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), BRICK_ERR_UNKNOWN_METHOD) << e.what();
  }
  EXPECT_NO_THROW(quiet->save(scratch("quiet_1_1")));
  // ... and the host's unknown methods are NOT_FOUND to it, the status it knows.
  ModularPipeline pipe = pipeline_of("test_hardening_abi_1_1.CallThing");
  pipe.update_components({{"thing", Value(std::static_pointer_cast<Object>(make_component("test_hardening.Plain")))}});
  EXPECT_EQ(pipe({}).get("status").as_int(), BRICK_ERR_NOT_FOUND);
  pipe = pipeline_of("test_hardening_c.CallThing");
  pipe.update_components({{"thing", Value(std::static_pointer_cast<Object>(make_component("test_hardening.Plain")))}});
  EXPECT_EQ(pipe({}).get("status").as_int(), BRICK_ERR_UNKNOWN_METHOD);
}

TEST(ErrorMapping, AConfigThatCannotBeMadeFailsInsteadOfFallingBack) {
  std::shared_ptr<Object> bad = make_component("test_hardening.BadConfig");
  fs::path folder = scratch("bad_config");
  try {
    bad->save(folder);
    FAIL() << "save_pretrained wrote the creation config";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "component 'test_hardening.BadConfig': its config cannot be made: weights_path is not set, so there "
                 "is no config");
  }
  EXPECT_FALSE(fs::exists(folder / "config.json"));
}

// ---- lifetimes ----------------------------------------------------------------

TEST(Lifetimes, ARefusedComponentInstanceIsDestroyed) {
  int64_t before = run_block("test_hardening_c.DestroyCount").get("destroyed").as_int();
  try {
    make_component("test_hardening_c.Incomplete");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), BRICK_ERR_BAD_PLUGIN);
    EXPECT_STREQ(e.what(), "component 'test_hardening_c.Incomplete' is incomplete: its instance has no call function");
  }
  EXPECT_EQ(run_block("test_hardening_c.DestroyCount").get("destroyed").as_int(), before + 1);
}

TEST(Lifetimes, ShutdownRunsOncePerLibrary) {
  fs::path log = scratch("shutdown") / "log";
  setenv("BRICK_TEST_SHUTDOWN_LOG", log.c_str(), 1);
  auto lines = [&] {
    std::ifstream in(log);
    int n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
  };
  // Loaded twice (two hosts in one process): the entry point runs twice,
  // shutdown once, when the last goes.
  {
    std::shared_ptr<Plugin> first = Plugin::load(brick::test::plugin_path("test_hardening_shutdown"));
    std::shared_ptr<Plugin> second = Plugin::load(brick::test::plugin_path("test_hardening_shutdown"));
    first.reset();
    EXPECT_EQ(lines(), 0);
  }
  EXPECT_EQ(lines(), 1);
  // Loaded again afterwards: a new use, a new shutdown.
  Plugin::load(brick::test::plugin_path("test_hardening_shutdown")).reset();
  EXPECT_EQ(lines(), 2);
  unsetenv("BRICK_TEST_SHUTDOWN_LOG");
}
