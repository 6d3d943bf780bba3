// Pipeline files: nesting, inputs and configs, and errors that name the
// file, the JSON path and what was expected.
#include <gtest/gtest.h>

#include "brick/host/blocks/block_graph.h"
#include "brick/host/components/modular_repository.h"
#include "brick/host/pipeline/pipeline_file.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include "composition_support.h"

namespace brick::test {
namespace {

using host::PipelineFile;
using host::Value;

PipelineFile parse(const std::string& text) { return PipelineFile::parse(text, "test.json", "/base"); }

// The message of the PipelineFileError that parsing, building or
// initialising `text` raises.
std::string error_of(const std::string& text) {
  try {
    parse(text).init_pipeline(test_host());
  } catch (const host::PipelineFileError& e) {
    return e.what();
  }
  return "(no error)";
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(PipelineFile, Seed003LoopFromAFile) {
  PipelineFile file = parse(R"({
    "brick_pipeline": 1,
    "blocks": {"loop": "test_composition.LoopWrapper",
               "blocks": {"block1": "test_composition.LoopBlock", "block2": "test_composition.LoopBlock"}},
    "inputs": {"num_steps": 3, "x": 0}
  })");
  auto pipe = file.init_pipeline(test_host());
  EXPECT_EQ(pipe(file.inputs()).get("x"), Value(6));
  EXPECT_EQ(pipe(file.inputs_with({{"num_steps", Value(1)}})).get("x"), Value(2));
}

const char* kNested = R"({
  "brick_pipeline": 1,
  "description": "every kind of entry",
  "requires": {"test_composition": ">=0.3"},
  "plugin_dirs": ["plugins", "/abs"],
  "blocks": {
    "class_name": "NestedBlocks",
    "sequential": {
      "first": {"block": "test_composition.Step", "config": {"trace": "first", "configs": [{"name": "mode", "default": "a"}]}},
      "choose": {"auto": {"with_image": {"block": "test_composition.Step", "config": {"inputs": [{"name": "image"}], "trace": "image"}},
                          "plain": {"block": "test_composition.Step", "config": {"trace": "plain"}}},
                 "triggers": ["image", null], "class_name": "ChooseAuto"},
      "select": "test_composition.Select",
      "count": {"loop": "test_composition.LoopWrapper", "blocks": {"inc": "test_composition.LoopBlock"}},
      "pass": "test_blocks.Scratch"
    },
    "outputs": ["trace", "y"],
    "workflows": {"with_image": {"image": true}, "plain": {}}
  },
  "inputs": {"num_steps": 2, "x": 10},
  "configs": {"mode": "b"}
})";

TEST(PipelineFile, EveryKindOfEntryNestsAndRuns) {
  PipelineFile file = parse(kNested);
  EXPECT_EQ(file.description(), "every kind of entry");
  EXPECT_EQ(file.plugin_names(), (std::vector<std::string>{"test_composition", "test_blocks"}));
  ASSERT_EQ(file.plugin_dirs().size(), 2u);
  EXPECT_EQ(file.plugin_dirs()[0], std::filesystem::path("/base/plugins"));
  EXPECT_EQ(file.plugin_dirs()[1], std::filesystem::path("/abs"));
  ASSERT_EQ(file.requirements().size(), 1u);
  EXPECT_EQ(file.requirements()[0].second, ">=0.3");

  auto pipe = file.init_pipeline(test_host());
  auto blocks = pipe.blocks();
  EXPECT_EQ(blocks->class_name(), "NestedBlocks");
  EXPECT_EQ(names_in(*blocks), (std::vector<std::string>{"first", "choose", "select", "count", "pass"}));
  EXPECT_EQ(blocks->output_names(), (std::vector<std::string>{"trace", "y"}));
  EXPECT_EQ(*pipe.components().config("mode"), Value("b"));

  auto state = pipe(file.inputs_with({{"image", Value("i")}}));
  EXPECT_EQ(trace_of(state), (std::vector<std::string>{"first", "image", "img2img"}));
  EXPECT_EQ(state.get("x"), Value(12));   // 10, counted up twice in the loop
  EXPECT_EQ(state.get("y"), Value(135));  // test_blocks.Scratch: x + 123
  EXPECT_EQ(blocks->available_workflows(), (std::vector<std::string>{"with_image", "plain"}));
  EXPECT_EQ(names_in(*file.init_pipeline(test_host(), "plain").blocks()),
            (std::vector<std::string>{"first", "choose", "count", "pass"}));
}

TEST(PipelineFileErrors, MalformedJsonGivesLineAndColumn) {
  EXPECT_EQ(error_of("{\n  \"brick_pipeline\": 1,\n  \"blocks\": [\n}"), "test.json:4:1: invalid JSON (syntax error)");
}

TEST(PipelineFileErrors, TheTopLevel) {
  EXPECT_EQ(error_of(R"({"blocks": "a.B"})"),
            "test.json: at brick_pipeline: missing: a pipeline file starts with \"brick_pipeline\": 1");
  EXPECT_EQ(error_of(R"({"brick_pipeline": 2, "blocks": "a.B"})"),
            "test.json: at brick_pipeline: the file has format 2; this host reads format 1");
  EXPECT_EQ(error_of(R"({"brick_pipeline": 1, "block": "a.B"})"),
            "test.json: at the top level: unknown key \"block\" (expected \"brick_pipeline\", \"description\", "
            "\"requires\", \"plugin_dirs\", \"pretrained_model_name_or_path\", \"blocks\", \"inputs\", \"configs\", "
            "\"components\")");
  EXPECT_EQ(error_of(R"({"brick_pipeline": 1})"), "test.json: at blocks: missing: the pipeline's blocks");
  EXPECT_EQ(error_of(R"({"brick_pipeline": 1, "blocks": "a.B", "inputs": [1]})"),
            "test.json: at inputs: expected an object, got an array");
}

TEST(PipelineFileErrors, BlockEntries) {
  EXPECT_EQ(error_of(R"({"brick_pipeline": 1, "blocks": {"sequential": {"a": "NoDot"}}})"),
            "test.json: at blocks.sequential.a: expected a block named plugin.Block, got 'NoDot'");
  EXPECT_EQ(error_of(R"({"brick_pipeline": 1, "blocks": {"sequential": {"a": 3}}})"),
            "test.json: at blocks.sequential.a: expected \"plugin.Block\" or an object with \"block\", "
            "\"sequential\", \"auto\" or \"loop\"");
  EXPECT_EQ(error_of(R"({"brick_pipeline": 1, "blocks": {"sequential": {"a": {"config": {}}}}})"),
            "test.json: at blocks.sequential.a: an object entry needs one of \"block\", \"sequential\", \"auto\" "
            "or \"loop\"");
  EXPECT_EQ(error_of(R"({"brick_pipeline": 1, "blocks": {"sequential": {}, "auto": {}}})"),
            "test.json: at blocks: a block entry has exactly one of \"block\", \"sequential\", \"auto\", \"loop\"");
  EXPECT_EQ(error_of(R"({"brick_pipeline": 1, "blocks": {"sequential": {"a": "x.Y"}, "outpts": []}})"),
            "test.json: at blocks: unknown key \"outpts\" (expected \"sequential\", \"class_name\", \"description\", "
            "\"model_name\", \"outputs\", \"workflows\")");
  EXPECT_EQ(error_of(R"({"brick_pipeline": 1, "blocks": {"auto": {"a": "x.Y", "b": "x.Z"}, "triggers": ["t"]}})"),
            "test.json: at blocks.triggers: expected 2 triggers (one per sub-block), got 1");
}

TEST(PipelineFileErrors, AnUnknownBlockListsWhatIsLoaded) {
  std::string e = error_of(
      R"({"brick_pipeline": 1, "blocks": {"sequential": {"deep": {"sequential": {"x": "test_blocks.Nope"}}}}})");
  EXPECT_TRUE(contains(e, "test.json: at blocks.sequential.deep.sequential.x: unknown block 'test_blocks.Nope'")) << e;
  EXPECT_TRUE(contains(e, "test_composition (Step, LoopWrapper, LoopBlock,")) << e;
}

TEST(PipelineFileErrors, ALoopSubBlockThatIsNotALeaf) {
  std::string e = error_of(R"({"brick_pipeline": 1, "blocks": {"loop": "test_composition.LoopWrapper",
      "blocks": {"inner": {"sequential": {"a": "test_composition.LoopBlock"}}}}})");
  EXPECT_EQ(e,
            "test.json: at blocks.blocks.inner: a loop's sub-blocks must be leaf blocks, but 'inner' "
            "(SequentialPipelineBlocks) has sub-blocks");
  e = error_of(R"({"brick_pipeline": 1, "blocks": {"block": "test_composition.ImageAuto", "blocks": {}}})");
  EXPECT_EQ(e,
            "test.json: at blocks.blocks: \"blocks\" sets a loop wrapper's sub-blocks, but "
            "'test_composition.ImageAuto' (ImageAuto) is not a loop wrapper");
  e = error_of(R"({"brick_pipeline": 1, "blocks": {"loop": "test_composition.Step", "blocks": {}}})");
  EXPECT_TRUE(contains(e, "is not a loop wrapper")) << e;
}

TEST(PipelineFileErrors, OutputsConfigsAndBlockErrors) {
  EXPECT_EQ(error_of(R"({"brick_pipeline": 1, "blocks": {"sequential": {"a": "test_composition.LoopBlock"},
                         "outputs": ["y"]}})"),
            "test.json: at blocks.outputs: no sub-block outputs 'y' (outputs: x)");
  EXPECT_EQ(error_of(R"({"brick_pipeline": 1, "blocks": "test_composition.LoopBlock", "configs": {"mode": 1}})"),
            "test.json: at configs.mode: no block declares the config 'mode' (declared: none)");
  // A block's own refusal (constructor arguments it does not take).
  std::string e =
      error_of(R"({"brick_pipeline": 1, "blocks": {"block": "test_composition.LoopBlock", "config": {"a": 1}}})");
  EXPECT_TRUE(contains(e, "test.json: at blocks: cannot create block 'test_composition.LoopBlock'")) << e;
}

TEST(BlockGraph, ProducersConsumersBranchesAndLoops) {
  PipelineFile file = parse(kNested);
  auto blocks = file.build_blocks(test_host());
  std::string dot = host::block_graph_dot(*blocks);
  // The loop wrapper reads num_steps; its loop block reads x from the
  // pipeline's inputs and carries it round the loop.
  EXPECT_TRUE(contains(dot, "[label=\"loop (LoopWrapper)\"];")) << dot;
  EXPECT_TRUE(contains(dot, "[label=\"num_steps\"];")) << dot;
  EXPECT_TRUE(contains(dot, "[label=\"x\", style=dashed, constraint=false];")) << dot;
  // The trace each branch of `choose` writes reaches `select`'s branches
  // from both.
  EXPECT_TRUE(contains(dot, "subgraph cluster_1 {\n    label=\"choose (ChooseAuto)\";")) << dot;
  EXPECT_TRUE(contains(dot, "label=\"select (Select) [may be skipped]\";")) << dot;
  std::string mermaid = host::block_graph_mermaid(*blocks);
  EXPECT_TRUE(contains(mermaid, "flowchart TD\n  inputs([inputs])\n  outputs([outputs])\n")) << mermaid;
  EXPECT_TRUE(contains(mermaid, "-.->|\"x\"|")) << mermaid;
}

TEST(PipelineFile, ComponentsOverrideTheDeclaredSpecs) {
  const char* text = R"({
    "brick_pipeline": 1,
    "blocks": {"block": "test_composition.Step", "config": {"components": [
        {"name": "unet", "type_hint": "UNet", "repo": "org/model", "subfolder": "unet"},
        {"name": "guider", "type_hint": "Guider", "repo": "org/model"}]}},
    "components": {
      "unet": {"pretrained_model_name_or_path": "models/tiny", "variant": "fp16"},
      "guider": {"type_hint": "no_such_plugin.Guider", "config": {"guidance_scale": 5.0}}
    }
  })";
  PipelineFile file = parse(text);
  auto pipe = file.init_pipeline(test_host());
  host::ComponentSpec unet = pipe.get_component_spec("unet");
  EXPECT_EQ(unet.pretrained_model_name_or_path, std::optional<std::string>("/base/models/tiny"));
  EXPECT_EQ(unet.subfolder, "unet");  // kept from the declaration
  EXPECT_EQ(unet.variant, std::optional<std::string>("fp16"));
  EXPECT_EQ(unet.default_creation_method, host::CreationMethod::FromPretrained);
  host::ComponentSpec guider = pipe.get_component_spec("guider");
  EXPECT_EQ(guider.default_creation_method, host::CreationMethod::FromConfig);  // a config alone means from_config
  EXPECT_EQ(guider.config.repr(), "{'guidance_scale': 5.0}");
  EXPECT_TRUE(pipe.component("guider").is_none());  // an unknown type: reported, left None
}

TEST(PipelineFileErrors, Components) {
  EXPECT_EQ(error_of(R"({"brick_pipeline": 1, "blocks": "test_composition.LoopBlock",
                         "components": {"unet": {"subfolder": "x"}}})"),
            "test.json: at components.unet: no block declares the component 'unet' (declared: none)");
  EXPECT_EQ(
      error_of(R"({"brick_pipeline": 1, "blocks": "test_composition.LoopBlock",
                         "components": {"unet": {"repo": "x"}}})"),
      "test.json: at components.unet: unknown key \"repo\" (expected \"type_hint\", \"description\", \"config\", "
      "\"pretrained_model_name_or_path\", \"subfolder\", \"variant\", \"revision\", \"default_creation_method\")");
  EXPECT_EQ(error_of(R"({"brick_pipeline": 1, "blocks": "test_composition.LoopBlock",
                         "components": {"unet": {"default_creation_method": "download"}}})"),
            "test.json: at components.unet.default_creation_method: expected \"from_config\" or \"from_pretrained\", "
            "got 'download'");
}

// A modular repository named by the file: found beside it, or by name on the
// model search path (BRICK_MODEL_PATH), and its index overlays the specs.
TEST(PipelineFile, ARepositoryBesideTheFileOrOnTheModelSearchPath) {
  namespace fs = std::filesystem;
  fs::path root = fs::temp_directory_path() / ("brick-repo-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "files");
  fs::create_directories(root / "models" / "tiny");
  host::ModularModelIndex index;
  host::ModularIndexEntry entry;
  entry.library = "brick";
  entry.class_name = "SafetensorsWeights";
  entry.spec.pretrained_model_name_or_path = "/weights/tiny";
  entry.spec.subfolder = "unet";
  index.components.emplace_back("unet", entry);
  host::write_modular_model_index(root / "models" / "tiny", index);
  const char* text = R"({
    "brick_pipeline": 1, "pretrained_model_name_or_path": "tiny",
    "blocks": {"block": "test_composition.Step", "config": {"components": [{"name": "unet", "type_hint": "UNet"}]}}
  })";

  // Not beside the file, not on the path: every place looked at is named.
  ::unsetenv("BRICK_MODEL_PATH");
  PipelineFile file = PipelineFile::parse(text, "test.json", root / "files");
  try {
    file.init_pipeline(test_host());
    FAIL();
  } catch (const host::PipelineFileError& e) {
    std::string what = e.what();
    std::string expected = "test.json: at pretrained_model_name_or_path: no model repository 'tiny': looked at '";
    expected += (root / "files" / "tiny").string();
    EXPECT_EQ(what.rfind(expected, 0), 0u) << what;
    EXPECT_NE(what.find("share/brick/models/tiny'"), std::string::npos) << what;
  }

  std::string search = (root / "nothing").string();
  search += ":";
  search += (root / "models").string();
  ::setenv("BRICK_MODEL_PATH", search.c_str(), 1);
  EXPECT_EQ(file.repository(), root / "models" / "tiny");
  auto pipe = file.init_pipeline(test_host());
  EXPECT_EQ(pipe.get_component_spec("unet").pretrained_model_name_or_path, std::optional<std::string>("/weights/tiny"));
  ::unsetenv("BRICK_MODEL_PATH");

  // Beside the file wins.
  fs::rename(root / "models" / "tiny", root / "files" / "tiny");
  EXPECT_EQ(PipelineFile::parse(text, "test.json", root / "files").repository(), root / "files" / "tiny");
  fs::remove_all(root);
}

// brick run --model and Target::use_model: one call replaces the file's
// repository with a folder or a hub id found in the local Hugging Face cache.
TEST(PipelineFile, TheRepositoryIsReplacedByAFolderOrAHubId) {
  namespace fs = std::filesystem;
  fs::path root = fs::temp_directory_path() / ("brick-model-" + std::to_string(::getpid()));
  fs::remove_all(root);
  auto index_in = [](const fs::path& repo, const std::string& weights) {
    host::ModularModelIndex index;
    host::ModularIndexEntry entry;
    entry.library = "brick";
    entry.class_name = "SafetensorsWeights";
    entry.spec.pretrained_model_name_or_path = weights;
    entry.spec.subfolder = "unet";
    index.components.emplace_back("unet", entry);
    fs::create_directories(repo);
    host::write_modular_model_index(repo, index);
  };
  index_in(root / "files" / "tiny", "/weights/file");
  index_in(root / "elsewhere", "/weights/folder");
  // A cache as huggingface_hub leaves it: refs/main -> snapshots/<commit>.
  const std::string commit = "0123456789abcdef0123456789abcdef01234567";
  fs::path repo = root / "hub" / "models--org--tiny";
  index_in(repo / "snapshots" / commit, "/weights/hub");
  fs::create_directories(repo / "refs");
  std::ofstream(repo / "refs" / "main") << commit;
  const char* saved = std::getenv("HF_HUB_CACHE");
  std::string saved_value = saved ? saved : "";
  ::setenv("HF_HUB_CACHE", (root / "hub").c_str(), 1);

  const char* text = R"({
    "brick_pipeline": 1, "pretrained_model_name_or_path": "tiny",
    "blocks": {"block": "test_composition.Step", "config": {"components": [{"name": "unet", "type_hint": "UNet"}]}}
  })";
  PipelineFile file = PipelineFile::parse(text, "test.json", root / "files");
  auto weights_of = [](const PipelineFile& f) {
    return f.init_pipeline(test_host()).get_component_spec("unet").pretrained_model_name_or_path.value_or("");
  };
  EXPECT_EQ(weights_of(file), "/weights/file");

  // A folder, relative to the given folder (a command's working folder).
  file.set_pretrained_model_name_or_path("elsewhere", root);
  EXPECT_EQ(file.pretrained_model_name_or_path(), "elsewhere");
  EXPECT_EQ(file.repository(), root / "elsewhere");
  EXPECT_EQ(weights_of(file), "/weights/folder");

  // A hub id, from the cache.
  file.set_pretrained_model_name_or_path("org/tiny");
  EXPECT_EQ(file.repository(), repo / "snapshots" / commit);
  EXPECT_EQ(weights_of(file), "/weights/hub");

  // Not found: the error is about the model given, not about the file.
  file.set_pretrained_model_name_or_path("org/none");
  try {
    file.repository();
    FAIL();
  } catch (const host::PipelineFileError&) {
    FAIL() << "the file is not at fault";
  } catch (const host::Error& e) {
    std::string what = e.what();
    EXPECT_EQ(what.rfind("no model repository 'org/none': looked at 'org/none'", 0), 0u) << what;
    EXPECT_NE(what.find("'" + (root / "hub" / "models--org--none").string() + "' (no such folder)"), std::string::npos)
        << what;
  }

  if (saved) {
    ::setenv("HF_HUB_CACHE", saved_value.c_str(), 1);
  } else {
    ::unsetenv("HF_HUB_CACHE");
  }
  fs::remove_all(root);
}

}  // namespace
}  // namespace brick::test
