// Component types exported by a plugin (ABI 1.1), through the real loader:
// created from a spec's config, called by method name from the host and from
// blocks, reached natively by the plugin's own blocks, saved and loaded
// through a modular repository.
#include <gtest/gtest.h>

#include "brick/host/base/error.h"
#include "brick/host/components/modular_repository.h"
#include "brick/host/loader/host.h"
#include "brick/host/loader/registry.h"
#include "brick/host/plugin/plugin.h"
#include "component_test_support.h"

using namespace brick::host;
using namespace brick::test;

namespace {

// Never destroyed, as test_host() in tests/host: a plugin's descriptor is a
// static of the plugin, gone at exit before a static Host would be.
Host& component_host() {
  static Host* host = [] {
    auto* h = new Host();
    h->load_plugin(std::string(TEST_PLUGIN_DIR) + "/test_components.so");
    return h;
  }();
  return *host;
}

PipelineOptions host_types() {
  PipelineOptions options;
  options.component_types = component_host().component_types();
  return options;
}

}  // namespace

TEST(PluginComponents, ThePluginListsItsComponentTypes) {
  std::shared_ptr<Plugin> plugin = component_host().find_plugin("test_components");
  ASSERT_TRUE(plugin);
  EXPECT_EQ(plugin->component_class_names(), (std::vector<std::string>{"EulerScheduler", "OtherType", "TinyModel"}));
  std::vector<std::string> names = component_host().component_types()->names();
  EXPECT_NE(std::find(names.begin(), names.end(), "test_components.EulerScheduler"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "brick.SafetensorsWeights"), names.end());
}

TEST(PluginComponents, TheRegistryRecordDeclaresThem) {
  // What the metadata cache keeps for the plugin (issue 5): its component
  // types beside its blocks.
  std::shared_ptr<Plugin> plugin = component_host().find_plugin("test_components");
  ASSERT_TRUE(plugin);
  brick::registry::PluginRecord record = brick::host::plugin_record(*plugin, &component_host());
  EXPECT_EQ(record.component_types_json,
            R"([{"name":"test_components.EulerScheduler","description":"a toy scheduler"},)"
            R"({"name":"test_components.OtherType","description":""},)"
            R"({"name":"test_components.TinyModel","description":"a model with weights"}])");
}

TEST(PluginComponents, CreatedFromConfigAndCalledByTheHost) {
  ComponentSpec spec = from_config("scheduler", "test_components.EulerScheduler", Value::dict({{"scale", 3.0}}));
  std::shared_ptr<Object> scheduler = component_host().component_types()->create(spec);
  EXPECT_EQ(scheduler->class_name(), "EulerScheduler");
  EXPECT_EQ(scheduler->library(), "test_components");
  EXPECT_EQ(scheduler->load_id(), "null");
  EXPECT_EQ(scheduler->call("step", Value::list({2.0})).as_float(), 6.0);
  EXPECT_EQ(scheduler->config(), Value::dict({{"scale", 3.0}}));
  try {
    scheduler->call("nope", Value());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), BRICK_ERR_UNKNOWN_METHOD);
    EXPECT_NE(std::string(e.what()).find("test_components.EulerScheduler.nope"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("no method 'nope'"), std::string::npos) << e.what();
  }
  // A constructor that throws is a creation failure with the plugin's reason.
  ComponentSpec failing = from_config("s", "test_components.EulerScheduler", Value::dict({{"fail", true}}));
  try {
    component_host().component_types()->create(failing);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("config asks to fail"), std::string::npos) << e.what();
  }
}

TEST(PluginComponents, BlocksCallTheComponentAndReachTheirOwnTypeNatively) {
  std::unique_ptr<ModularPipelineBlocks> block = component_host().create_block("test_components.UsesScheduler");
  ModularPipeline pipe(std::move(block), host_types());
  ASSERT_TRUE(pipe.component("scheduler").is_object());  // from_config: created at init
  PipelineState state = pipe({{"x", 1.5}});
  EXPECT_EQ(state.get("stepped").as_float(), 3.0);  // scale 2.0 from the spec's config
  EXPECT_EQ(state.get("timesteps"), Value::list({1000, 750, 500, 250}));
  EXPECT_EQ(state.get("native_scale").as_float(), 2.0);
  EXPECT_EQ(state.get("other_is_null").as_bool(), true);
  EXPECT_NE(state.get("unknown_method_error").as_string().find("no method 'no_such_method'"), std::string::npos)
      << state.get("unknown_method_error").as_string();
}

TEST(PluginComponents, NativeAccessIsOnlyForThePluginThatMadeIt) {
  std::unique_ptr<ModularPipelineBlocks> probe = component_host().create_block("test_components.ProbesNative");
  ModularPipeline pipe(std::move(probe), host_types());
  // A host-made object in the slot: not a plugin component at all.
  pipe.components().set("scheduler", Value(std::make_shared<ConfigObject>(Value::dict({}))));
  EXPECT_EQ(pipe({}).get("native_found").as_bool(), false);
  // The plugin's own component: found.
  pipe.components().set(
      "scheduler",
      Value(component_host().component_types()->create(from_config("scheduler", "test_components.EulerScheduler"))));
  EXPECT_EQ(pipe({}).get("native_found").as_bool(), true);
}

TEST(PluginComponents, SavedAsConfigJsonAndLoadedBackFromARepository) {
  TempDir dir;
  // A from_pretrained slot holding a plugin component: saved as config.json.
  auto blocks = std::make_unique<SpecBlock>(
      "SchedBlocks",
      std::vector<ComponentSpec>{pretrained("scheduler", std::nullopt, "", "test_components.EulerScheduler")});
  ModularPipeline pipe(std::move(blocks), host_types());
  Value made = Value(component_host().component_types()->create(
      from_config("scheduler", "test_components.EulerScheduler", Value::dict({{"scale", 5.0}}))));
  made.as_object()->set_load_id("");  // a fresh, untagged object
  pipe.update_components({{"scheduler", made}});
  pipe.save_pretrained(dir.path());
  EXPECT_TRUE(fs::exists(dir / "scheduler" / "config.json"));

  auto again_blocks = std::make_unique<SpecBlock>(
      "SchedBlocks",
      std::vector<ComponentSpec>{pretrained("scheduler", std::nullopt, "", "test_components.EulerScheduler")});
  ModularPipeline again = ModularPipeline::from_pretrained(dir.path(), std::move(again_blocks), host_types());
  EXPECT_TRUE(again.component("scheduler").is_none());
  LoadReport report = again.load_components();
  ASSERT_TRUE(report.ok()) << report.failed[0].second;
  EXPECT_EQ(again.component("scheduler").as_object()->call("step", Value::list({1.0})).as_float(), 5.0);
}

TEST(PluginComponents, FromPretrainedCreatesTheIndexedBlocksOrFallsBack) {  // checklist 43
  TempDir dir;
  auto index_with = [&](const std::string& blocks_class_name) {
    ModularModelIndex index;
    index.blocks_class_name = blocks_class_name;
    write_modular_model_index(dir.path(), index);
  };
  index_with("test_components.ProbesNative");
  ModularPipeline named = ModularPipeline::from_pretrained(dir.path(), component_host());
  EXPECT_EQ(named.blocks()->class_name(), "ProbesNative");
  // A saved generic composite the host cannot build: the default blocks.
  index_with("SequentialPipelineBlocks");
  ModularPipeline fallback =
      ModularPipeline::from_pretrained(dir.path(), component_host(), {}, "test_components.UsesScheduler");
  EXPECT_EQ(fallback.blocks()->class_name(), "UsesScheduler");
  // Its plugin's component types came with the host: the scheduler exists.
  EXPECT_TRUE(fallback.component("scheduler").is_object());
  try {
    ModularPipeline::from_pretrained(dir.path(), component_host());
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'SequentialPipelineBlocks'"), std::string::npos) << e.what();
  }
}

TEST(PluginComponents, WeightsAreSavedFromStateDictAndLoadedThroughLoadStateDict) {
  TempDir dir;
  auto blocks = [] {
    return std::make_unique<SpecBlock>(
        "ModelBlocks", std::vector<ComponentSpec>{pretrained("unet", std::nullopt, "", "test_components.TinyModel")});
  };
  ModularPipeline pipe(blocks(), host_types());
  Value made = Value(component_host().component_types()->create(
      from_config("unet", "test_components.TinyModel", Value::dict({{"size", 3}}))));
  made.as_object()->set_load_id("");
  made.as_object()->call("scale", Value::dict({{"by", 2.5}}));  // weights differ from a fresh model's
  pipe.update_components({{"unet", made}});
  pipe.save_pretrained(dir.path());
  EXPECT_TRUE(fs::exists(dir / "unet" / "config.json"));
  ASSERT_TRUE(fs::exists(dir / "unet" / "model.safetensors"));

  ModularPipeline again = ModularPipeline::from_pretrained(dir.path(), blocks(), host_types());
  LoadReport report = again.load_components();
  ASSERT_TRUE(report.ok()) << report.failed[0].second;
  Value loaded = again.component("unet");
  EXPECT_DOUBLE_EQ(loaded.as_object()->call("weight_sum", Value()).as_float(), 7.5);  // 3 x 2.5, not 3 x 1

  // A type that cannot take weights refuses a folder that has them.
  auto other = std::make_unique<SpecBlock>(
      "ModelBlocks",
      std::vector<ComponentSpec>{pretrained("unet", dir.path().string(), "unet", "test_components.OtherType")});
  ModularPipeline refuses(std::move(other), host_types());
  LoadReport failed = refuses.load_components();
  ASSERT_EQ(failed.failed.size(), 1u);
  EXPECT_NE(failed.failed[0].second.find("has no load_state_dict method"), std::string::npos)
      << failed.failed[0].second;
}

TEST(PluginComponents, PipelineToMovesComponentsThatAnswerTo) {
  auto blocks = std::make_unique<SpecBlock>(
      "ModelBlocks", std::vector<ComponentSpec>{from_config("unet", "test_components.TinyModel", Value::dict({})),
                                                from_config("scheduler", "test_components.EulerScheduler")});
  ModularPipeline pipe(std::move(blocks), host_types());
  EXPECT_EQ(pipe.component("unet").as_object()->call("device", Value()).as_string(), "never moved");
  pipe.to(brick_device{1, 0});  // the scheduler has no `to`: it is left alone
  EXPECT_EQ(pipe.component("unet").as_object()->call("device", Value()).as_string(), "cpu");
  EXPECT_EQ(pipe.components().device().device_type, 1);
}

TEST(PluginComponents, ASchedulerFolderMayUseSchedulerConfigJson) {
  TempDir dir;
  fs::create_directories(dir / "scheduler");
  std::ofstream(dir / "scheduler" / "scheduler_config.json") << R"({"scale": 4.0})";
  ComponentSpec spec = pretrained("scheduler", dir.path().string(), "scheduler", "test_components.EulerScheduler");
  std::shared_ptr<Object> object = component_host().component_types()->load(spec);
  EXPECT_EQ(object->call("step", Value::list({1.0})).as_float(), 4.0);
}

TEST(PluginComponents, ATokenizerFolderUsesTokenizerConfigJsonAndLearnsItsPath) {
  // A transformers tokenizer folder: tokenizer_config.json and vocabulary
  // files, no config.json, no weights. The type is created from
  // tokenizer_config.json, with `_name_or_path` naming the folder (absolute),
  // so it can read the folder's other files; nothing calls load_state_dict.
  TempDir dir;
  fs::create_directories(dir / "tokenizer");
  std::ofstream(dir / "tokenizer" / "tokenizer_config.json")
      << R"({"model_max_length": 77, "_name_or_path": "openai/clip-vit-large-patch14"})";
  std::ofstream(dir / "tokenizer" / "vocab.json") << "{}";
  ComponentSpec spec = pretrained("tokenizer", dir.path().string(), "tokenizer", "test_components.OtherType");
  std::shared_ptr<Object> object = component_host().component_types()->load(spec);
  Value config = object->config();  // OtherType has no config(): the one it was created from
  ASSERT_TRUE(config.find("model_max_length"));
  EXPECT_EQ(config.find("model_max_length")->as_int(), 77);
  ASSERT_TRUE(config.find("_name_or_path"));
  EXPECT_EQ(config.find("_name_or_path")->as_string(), fs::absolute(dir / "tokenizer").string());
  // config.json still comes first, and gets the path too.
  std::ofstream(dir / "tokenizer" / "config.json") << R"({"size": 1})";
  config = component_host().component_types()->load(spec)->config();
  EXPECT_FALSE(config.find("model_max_length"));
  ASSERT_TRUE(config.find("_name_or_path"));
  EXPECT_EQ(config.find("_name_or_path")->as_string(), fs::absolute(dir / "tokenizer").string());
}
