// ModularPipeline's components (checklist 36-42): creation at init, lazy
// loading, per-component failures, update/unload, and the modular repository
// (save_pretrained / from_pretrained round trip). Weights are safetensors
// files the tests write themselves.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "brick/host/base/error.h"
#include "brick/host/blocks/conditional_blocks.h"
#include "brick/host/blocks/sequential_blocks.h"
#include "brick/host/components/components_manager.h"
#include "brick/host/components/safetensors.h"
#include "brick/host/params/component_spec.h"
#include "component_test_support.h"

using namespace brick::host;
using namespace brick::test;

namespace {

std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A repository folder with unet/ and vae/ weights.
void make_repo(const fs::path& root) {
  write_weights(root / "unet" / "model.safetensors", {1, 2, 3});
  write_weights(root / "vae" / "model.safetensors", {4, 5});
}

std::unique_ptr<ModularPipelineBlocks> sd_blocks(const fs::path& repo) {
  return std::make_unique<SpecBlock>(
      "TestBlocks",
      std::vector<ComponentSpec>{pretrained("unet", repo.string(), "unet"), pretrained("vae", repo.string(), "vae"),
                                 pretrained("text_encoder", std::nullopt, "text_encoder"),
                                 from_config("guider", "test.ConfigObject", Value::dict({{"guidance_scale", 7.5}}))},
      std::vector<ConfigSpec>{{"force_zeros_for_empty_prompt", true, ""}});
}

PipelineOptions with_test_types() {
  PipelineOptions options;
  options.component_types = test_types();
  return options;
}

const ModularIndexEntry& entry_of(const ModularModelIndex& index, const std::string& name) {
  for (const auto& [key, entry] : index.components) {
    if (key == name) return entry;
  }
  throw std::runtime_error("no index entry " + name);
}

float first_weight(const Value& component) {
  auto weights = component.object_as<SafetensorsWeights>();
  EXPECT_TRUE(weights);
  return weights ? weights->tensor("weight")->as_tensor()[0].item<float>() : -1;
}

}  // namespace

TEST(PipelineComponents, FromConfigAtInitFromPretrainedNoneUntilLoaded) {  // 36
  TempDir repo;
  make_repo(repo.path());
  ModularPipeline pipe(sd_blocks(repo.path()), with_test_types());
  ASSERT_TRUE(pipe.component("guider").is_object());
  EXPECT_EQ(pipe.component("guider").as_object()->config().find("guidance_scale")->as_float(), 7.5);
  EXPECT_EQ(pipe.component("guider").as_object()->load_id(), "null");
  EXPECT_TRUE(pipe.component("unet").is_none());
  EXPECT_EQ(pipe.null_component_names(), (std::vector<std::string>{"unet", "vae", "text_encoder"}));
  EXPECT_EQ(pipe.pretrained_component_names(), (std::vector<std::string>{"unet", "vae", "text_encoder"}));
  EXPECT_EQ(pipe.config_component_names(), std::vector<std::string>{"guider"});
  EXPECT_EQ(pipe.components().config("force_zeros_for_empty_prompt")->as_bool(), true);
  EXPECT_THROW(pipe.component("nope"), Error);
}

TEST(PipelineComponents, LoadSkipsLoadedAndPathlessComponents) {  // 37
  TempDir repo;
  make_repo(repo.path());
  ModularPipeline pipe(sd_blocks(repo.path()), with_test_types());
  LoadReport first = pipe.load_components();
  EXPECT_EQ(first.loaded, (std::vector<std::string>{"unet", "vae"}));  // text_encoder has no path
  EXPECT_TRUE(first.ok());
  Value unet = pipe.component("unet");
  EXPECT_FLOAT_EQ(first_weight(unet), 1.0f);
  EXPECT_EQ(unet.as_object()->load_id(), repo.path().string() + "|unet|null|null");
  LoadReport second = pipe.load_components();
  EXPECT_TRUE(second.loaded.empty());
  EXPECT_TRUE(pipe.component("unet").is(unet));  // the same object
  EXPECT_TRUE(pipe.component("text_encoder").is_none());
}

TEST(PipelineComponents, LoadByNameIsSelectiveAndIncremental) {  // 38
  TempDir repo;
  make_repo(repo.path());
  ModularPipeline pipe(sd_blocks(repo.path()), with_test_types());
  LogCapture log;
  LoadReport report = pipe.load_components(std::vector<std::string>{"vae", "nope"});
  EXPECT_EQ(report.loaded, std::vector<std::string>{"vae"});
  EXPECT_TRUE(pipe.component("unet").is_none());
  EXPECT_FALSE(pipe.component("vae").is_none());
  EXPECT_TRUE(log.any_contains("'nope'")) << log.all();
  Value vae = pipe.component("vae");
  pipe.load_components(std::vector<std::string>{"unet"});
  EXPECT_FALSE(pipe.component("unet").is_none());
  EXPECT_TRUE(pipe.component("vae").is(vae));
}

TEST(PipelineComponents, FailuresAreReportedWithTheReasonAndDoNotStopTheOthers) {  // 39
  TempDir repo;
  make_repo(repo.path());
  write_file(repo / "vae" / "model.safetensors", "garbage");  // truncated file
  auto blocks = std::make_unique<SpecBlock>(
      "B", std::vector<ComponentSpec>{pretrained("vae", repo.path().string(), "vae"),
                                      pretrained("remote", "org/not-a-folder", "x"),
                                      pretrained("unet", repo.path().string(), "unet"),
                                      pretrained("typed", repo.path().string(), "unet", "nolib.Missing")});
  ModularPipeline pipe(std::move(blocks), with_test_types());
  LogCapture log;
  LoadReport report = pipe.load_components();
  EXPECT_EQ(report.loaded, std::vector<std::string>{"unet"});
  ASSERT_EQ(report.failed.size(), 3u);
  EXPECT_EQ(report.failed[0].first, "vae");
  EXPECT_NE(report.failed[0].second.find("Unable to load vae"), std::string::npos) << report.failed[0].second;
  EXPECT_NE(report.failed[0].second.find("truncated"), std::string::npos) << report.failed[0].second;
  EXPECT_EQ(report.failed[1].first, "remote");
  EXPECT_NE(report.failed[1].second.find("no model repository 'org/not-a-folder': looked at 'org/not-a-folder'"),
            std::string::npos)
      << report.failed[1].second;
  EXPECT_NE(report.failed[2].second.find("no component type 'nolib.Missing'"), std::string::npos);
  EXPECT_TRUE(pipe.component("vae").is_none());
  EXPECT_EQ(log.warnings().size(), 3u) << log.all();
  EXPECT_TRUE(log.any_contains("Failed to load remote")) << log.all();
}

TEST(PipelineComponents, FromConfigCreationFailureWarnsAndLeavesNone) {
  auto blocks = std::make_unique<SpecBlock>(
      "B", std::vector<ComponentSpec>{from_config("bad", "test.ConfigObject", Value::dict({{"fail", true}})),
                                      from_config("untyped", ""), from_config("good", "test.ConfigObject")});
  LogCapture log;
  ModularPipeline pipe(std::move(blocks), with_test_types());
  EXPECT_TRUE(pipe.component("bad").is_none());
  EXPECT_TRUE(pipe.component("untyped").is_none());
  EXPECT_TRUE(pipe.component("good").is_object());
  EXPECT_TRUE(log.any_contains("config asks to fail")) << log.all();
  EXPECT_TRUE(log.any_contains("`type_hint` is required when using from_config creation method.")) << log.all();
}

TEST(PipelineComponents, UnloadKeepsTheSpecAndIsIdempotent) {  // 40
  TempDir repo;
  make_repo(repo.path());
  ModularPipeline pipe(sd_blocks(repo.path()), with_test_types());
  pipe.load_components();
  ComponentSpec before = pipe.get_component_spec("unet");
  pipe.unload_components({"unet"});
  EXPECT_TRUE(pipe.component("unet").is_none());
  EXPECT_TRUE(same_declaration(pipe.get_component_spec("unet"), before));
  pipe.unload_components({"unet"});  // no-op
  LogCapture log;
  pipe.unload_components({"nope"});
  EXPECT_TRUE(log.any_contains("'nope'")) << log.all();
  pipe.load_components();  // loads again from the kept spec
  EXPECT_FALSE(pipe.component("unet").is_none());
}

TEST(PipelineComponents, UpdateComponentsDerivesSpecsAndSetsConfigs) {
  TempDir repo;
  make_repo(repo.path());
  ModularPipeline pipe(sd_blocks(repo.path()), with_test_types());
  // An untagged object in a from_pretrained slot: a path-less spec with its type.
  auto custom = std::make_shared<SafetensorsWeights>(Value::Dict{{"weight", Value(at::ones({2}))}});
  // A tagged one keeps its origin.
  auto loaded = std::make_shared<ConfigObject>(Value::dict({}));
  loaded->set_load_id("/elsewhere|vae|fp16|null");
  auto guider = std::make_shared<ConfigObject>(Value::dict({{"guidance_scale", 1.0}}));
  LogCapture log;
  pipe.update_components({{"unet", Value(custom)},
                          {"vae", Value(loaded)},
                          {"guider", Value(guider)},
                          {"force_zeros_for_empty_prompt", false},
                          {"bogus", 1}});
  EXPECT_TRUE(pipe.component("unet").is(Value(custom)));
  ComponentSpec unet = pipe.get_component_spec("unet");
  EXPECT_FALSE(unet.pretrained_model_name_or_path);
  EXPECT_EQ(unet.type_hint, "brick.SafetensorsWeights");
  EXPECT_EQ(unet.default_creation_method, CreationMethod::FromPretrained);
  ComponentSpec vae = pipe.get_component_spec("vae");
  EXPECT_EQ(vae.pretrained_model_name_or_path, "/elsewhere");
  EXPECT_EQ(vae.variant, "fp16");
  EXPECT_EQ(pipe.get_component_spec("guider").config, Value::dict({{"guidance_scale", 1.0}}));
  EXPECT_EQ(pipe.components().config("force_zeros_for_empty_prompt")->as_bool(), false);
  EXPECT_TRUE(log.any_contains("Unexpected keyword arguments, will be ignored")) << log.all();
  EXPECT_TRUE(log.any_contains("'bogus'")) << log.all();
}

TEST(ModularRepository, SavePretrainedWritesTheIndexFromTheSpecs) {  // 41, 42
  TempDir repo;
  TempDir out;
  make_repo(repo.path());
  ModularPipeline pipe(sd_blocks(repo.path()), with_test_types());
  pipe.load_components();
  auto custom = std::make_shared<SafetensorsWeights>(Value::Dict{{"weight", Value(at::full({2}, 9.0f))}});
  pipe.update_components({{"vae", Value(custom)}});  // no load_id: will point at the saved copy
  pipe.save_pretrained(out.path());

  ModularModelIndex index = read_modular_model_index(out.path());
  EXPECT_EQ(index.class_name, "ModularPipeline");
  EXPECT_EQ(index.diffusers_version, "0.40.0");
  EXPECT_EQ(index.blocks_class_name, "TestBlocks");
  ASSERT_EQ(index.components.size(), 3u);  // from_config guider is not stored
  for (const auto& [name, entry] : index.components) {
    EXPECT_TRUE(same_declaration(entry.spec, pipe.get_component_spec(name))) << name;
  }
  // Keys are sorted in the file.
  EXPECT_EQ(index.components[0].first, "text_encoder");
  // unet keeps its origin (it has a load_id); its weights were written anyway.
  EXPECT_EQ(entry_of(index, "unet").spec.pretrained_model_name_or_path, repo.path().string());
  EXPECT_EQ(entry_of(index, "unet").library, "brick");
  EXPECT_EQ(entry_of(index, "unet").class_name, "SafetensorsWeights");
  EXPECT_TRUE(fs::exists(out / "unet" / "model.safetensors"));
  // vae had none: path = the save dir, subfolder = its name.
  EXPECT_EQ(entry_of(index, "vae").spec.pretrained_model_name_or_path, out.path().string());
  EXPECT_EQ(entry_of(index, "vae").spec.subfolder, "vae");
  EXPECT_TRUE(fs::exists(out / "vae" / "model.safetensors"));
  // text_encoder is not loaded: [null, null, spec].
  EXPECT_FALSE(entry_of(index, "text_encoder").library);
  EXPECT_EQ(index.configs, (Value::Dict{{"force_zeros_for_empty_prompt", true}}));

  // overwrite_modular_index points everything at the copy.
  TempDir again;
  pipe.save_pretrained(again.path(), SaveOptions{true});
  EXPECT_EQ(entry_of(read_modular_model_index(again.path()), "unet").spec.pretrained_model_name_or_path,
            again.path().string());
}

TEST(ModularRepository, IndexTextIsDiffusersJsonDumps) {
  ModularModelIndex index;
  index.blocks_class_name = "StableDiffusionXLAutoBlocks";
  index.class_name = "StableDiffusionXLModularPipeline";
  index.configs = {{"requires_aesthetics_score", false}, {"force_zeros_for_empty_prompt", true}};
  ModularIndexEntry unet;
  unet.library = "diffusers";
  unet.class_name = "UNet2DConditionModel";
  unet.spec = pretrained("unet", "org/other-unet", "unet", "diffusers.UNet2DConditionModel");
  unet.spec.variant = "fp16";
  ModularIndexEntry scheduler;
  scheduler.spec = pretrained("scheduler", "org/sdxl", "scheduler", "diffusers.EulerDiscreteScheduler");
  index.components = {{"unet", unet}, {"scheduler", scheduler}};
  // json.dumps(config, indent=2, sort_keys=True) + "\n", as Python writes it.
  const char* expected = R"({
  "_blocks_class_name": "StableDiffusionXLAutoBlocks",
  "_class_name": "StableDiffusionXLModularPipeline",
  "_diffusers_version": "0.40.0",
  "force_zeros_for_empty_prompt": true,
  "requires_aesthetics_score": false,
  "scheduler": [
    null,
    null,
    {
      "pretrained_model_name_or_path": "org/sdxl",
      "revision": null,
      "subfolder": "scheduler",
      "type_hint": [
        "diffusers",
        "EulerDiscreteScheduler"
      ],
      "variant": null
    }
  ],
  "unet": [
    "diffusers",
    "UNet2DConditionModel",
    {
      "pretrained_model_name_or_path": "org/other-unet",
      "revision": null,
      "subfolder": "unet",
      "type_hint": [
        "diffusers",
        "UNet2DConditionModel"
      ],
      "variant": "fp16"
    }
  ]
}
)";
  EXPECT_EQ(modular_model_index_text(index), expected);
  EXPECT_EQ(
      python_json_dumps(Value::dict({{"s", "caf\xc3\xa9 \xf0\x9f\x98\x80\n"},
                                     {"e", Value::list({})},
                                     {"d", Value::dict({})},
                                     {"f", 1e-05},
                                     {"g", 2.0}})),
      "{\n  \"d\": {},\n  \"e\": [],\n  \"f\": 1e-05,\n  \"g\": 2.0,\n  \"s\": \"caf\\u00e9 \\ud83d\\ude00\\n\"\n}");
}

TEST(ModularRepository, RoundTripIsLossless) {
  TempDir repo;
  make_repo(repo.path());
  // A hand-written index: configs, a loaded-looking entry, an entry for a
  // component no block declares, an unknown config key, a variant.
  std::string text = R"({
  "_blocks_class_name": "TestBlocks",
  "_class_name": "MyModularPipeline",
  "_diffusers_version": "0.39.0",
  "extra_knob": [
    1,
    2
  ],
  "force_zeros_for_empty_prompt": false,
  "orphan": [
    null,
    null,
    {
      "pretrained_model_name_or_path": "/x",
      "revision": "r1",
      "subfolder": "orphan",
      "type_hint": [
        null,
        null
      ],
      "variant": null
    }
  ],
  "unet": [
    null,
    null,
    {
      "pretrained_model_name_or_path": ")" +
                     repo.path().string() + R"(",
      "revision": null,
      "subfolder": "unet",
      "type_hint": [
        "brick",
        "SafetensorsWeights"
      ],
      "variant": null
    }
  ]
}
)";
  TempDir src;
  write_file(src / "modular_model_index.json", text);
  auto blocks =
      std::make_unique<SpecBlock>("TestBlocks", std::vector<ComponentSpec>{pretrained("unet", "org/default", "unet")},
                                  std::vector<ConfigSpec>{{"force_zeros_for_empty_prompt", true, ""}});
  ModularPipeline pipe = ModularPipeline::from_pretrained(src.path(), std::move(blocks), with_test_types());
  EXPECT_EQ(pipe.get_component_spec("unet").pretrained_model_name_or_path, repo.path().string());
  EXPECT_EQ(pipe.components().config("force_zeros_for_empty_prompt")->as_bool(), false);
  TempDir out;
  pipe.save_pretrained(out.path());  // nothing loaded: the index only
  EXPECT_EQ(read(out / "modular_model_index.json"), text);
  // Loaded through the index, the entry names the object's class.
  pipe.load_components();
  EXPECT_FALSE(pipe.component("unet").is_none());
}

TEST(ModularRepository, NonLocalPathsAndMissingIndexesGiveClearErrors) {
  // A hub id is looked for in the local cache only (an empty one here).
  TempDir cache;
  ::setenv("HF_HUB_CACHE", cache.path().c_str(), 1);
  try {
    ModularPipeline::from_pretrained("stabilityai/sdxl-base-1.0", sd_blocks("x"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), BRICK_ERR_NOT_FOUND);
    std::string what = e.what();
    EXPECT_EQ(what.rfind("no model repository 'stabilityai/sdxl-base-1.0': looked at 'stabilityai/sdxl-base-1.0'", 0),
              0u)
        << what;
    EXPECT_NE(what.find("Nothing is fetched from a network: download it into that cache with `hf download "
                        "stabilityai/sdxl-base-1.0`"),
              std::string::npos)
        << what;
  }
  ::unsetenv("HF_HUB_CACHE");
  TempDir empty;
  try {
    ModularPipeline::from_pretrained(empty.path(), sd_blocks("x"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("Could not find or load 'modular_model_index.json' or 'model_index.json'"),
              std::string::npos)
        << e.what();
  }
  write_file(empty / "modular_model_index.json", "{\"unet\": [null, null, 5]}");
  EXPECT_THROW(ModularPipeline::from_pretrained(empty.path(), sd_blocks("x")), Error);
}

TEST(ModularRepository, StandardModelIndexGivesSpecsIntoSubfolders) {
  TempDir repo;
  make_repo(repo.path());
  write_file(
      repo / "model_index.json",
      R"({"_class_name": "StableDiffusionPipeline", "_diffusers_version": "0.30.0", "unet": ["brick", "SafetensorsWeights"], "force_zeros_for_empty_prompt": false})");
  ModularPipeline pipe = ModularPipeline::from_pretrained(repo.path(), sd_blocks("/nowhere"), with_test_types());
  ComponentSpec unet = pipe.get_component_spec("unet");
  EXPECT_EQ(unet.pretrained_model_name_or_path, repo.path().string());
  EXPECT_EQ(unet.subfolder, "unet");
  EXPECT_EQ(unet.type_hint, "brick.SafetensorsWeights");
  EXPECT_EQ(pipe.components().config("force_zeros_for_empty_prompt")->as_bool(), false);
  EXPECT_EQ(pipe.load_components(std::vector<std::string>{"unet"}).loaded, std::vector<std::string>{"unet"});
}

TEST(PipelineComponents, LoadedComponentsJoinTheManagerAndLeaveOnUnload) {
  TempDir repo;
  make_repo(repo.path());
  auto manager = std::make_shared<ComponentsManager>();
  PipelineOptions options = with_test_types();
  options.components_manager = manager;
  options.collection = "sd";
  ModularPipeline pipe(sd_blocks(repo.path()), options);
  EXPECT_TRUE(manager->ids().empty());  // from_config components are not added
  pipe.load_components();
  EXPECT_EQ(manager->ids().size(), 2u);
  EXPECT_TRUE(manager->get_one("unet", "sd").is(pipe.component("unet")));
  pipe.unload_components({"unet"});
  EXPECT_EQ(manager->ids().size(), 1u);
  EXPECT_THROW(manager->get_one("unet", "sd"), Error);
}

TEST(PipelineComponents, LoadForAWorkflowLoadsOnlyWhatItsBlocksDeclare) {
  TempDir repo;
  make_repo(repo.path());
  const std::string path = repo.path().string();
  // encode: text2image uses "unet"; with an image, the img2img branch uses "vae".
  NamedBlocks branches;
  branches.emplace_back(
      "img2img", std::make_unique<SpecBlock>("Img2Img", std::vector<ComponentSpec>{pretrained("vae", path, "vae")}));
  branches.emplace_back("text2img", std::make_unique<SpecBlock>("Text2Img", std::vector<ComponentSpec>{}));
  NamedBlocks steps;
  steps.emplace_back(
      "encode", std::make_unique<AutoPipelineBlocks>("AutoEncode", std::move(branches),
                                                     std::vector<std::optional<std::string>>{"image", std::nullopt}));
  steps.emplace_back(
      "denoise", std::make_unique<SpecBlock>("Denoise", std::vector<ComponentSpec>{pretrained("unet", path, "unet")}));
  auto blocks = std::make_unique<SequentialPipelineBlocks>(std::move(steps), "WorkflowBlocks");
  blocks->set_workflow_map(parse_workflow_map(
      Value::dict({{"text2image", Value::dict({{"prompt", true}})}, {"image2image", Value::dict({{"image", true}})}})));
  ModularPipeline pipe(std::move(blocks), with_test_types());
  EXPECT_EQ(pipe.load_workflow_components("text2image").loaded, std::vector<std::string>{"unet"});
  EXPECT_TRUE(pipe.component("vae").is_none());
  EXPECT_EQ(pipe.load_workflow_components("image2image").loaded, std::vector<std::string>{"vae"});  // unet: loaded
  EXPECT_THROW(pipe.load_workflow_components("nope"), Error);
}
