// The brick command, run as a user runs it.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "run_brick.h"

namespace {

using cli_run::brick;
using cli_run::contains;
using cli_run::Result;

const std::string kPlugins = std::string(TEST_PLUGIN_DIR) + "/";

// Every brick run here keeps its registry cache in a folder of this process
// (never the user's ~/.cache).
const std::filesystem::path kScratch = [] {
  auto dir = std::filesystem::temp_directory_path() / ("brick-cli-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  setenv("BRICK_REGISTRY_CACHE", (dir.string() + "/").c_str(), 1);
  return dir;
}();

}  // namespace

TEST(Cli, EverySubcommandHasHelp) {
  for (const char* args : {"--help", "run --help", "inspect --help", "doc --help", "graph --help"}) {
    Result r = brick(args);
    EXPECT_EQ(r.status, 0) << args;
    EXPECT_TRUE(contains(r.output, "Usage:")) << r.output;
  }
  EXPECT_TRUE(contains(brick("run --help").output, "NAME=VALUE"));
  EXPECT_TRUE(contains(brick("--version").output, "brick 0.1.0 (ABI 1.3)"));
}

TEST(Cli, UsageErrorsExitWithTwo) {
  Result r = brick("");
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.output, "A subcommand is required")) << r.output;
  r = brick("run");
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.output, "TARGET is required")) << r.output;
  EXPECT_EQ(brick("run example.Affine --no-such-option").status, 2);
}

TEST(Cli, RunsTheExamplePlugin) {
  Result r = brick("run example.Affine 'x=tensor([1.0, 2.0, 3.0])' scale=2 shift=0.5");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "y = Tensor(dtype=torch.float32, shape=torch.Size([3]))\n    [2.5, 4.5, 6.5]\n");
}

TEST(Cli, DeviceNamesAreCheckedBeforeRunning) {
  Result r = brick("run --device gpu example.Affine 'x=tensor([1.0])'");
  EXPECT_NE(r.status, 0);
  EXPECT_TRUE(contains(r.output, "--device: expected a device (cpu, cuda or cuda:N), got 'gpu'")) << r.output;
  r = brick("run --device cpu example.Affine 'x=tensor([1.0])'");
  EXPECT_EQ(r.status, 0) << r.output;
}

TEST(Cli, SeededBlocksAreReproducible) {
  std::string args = "run example.RandomLatents height=16 width=16 seed=7";
  Result first = brick(args), second = brick(args);
  EXPECT_EQ(first.status, 0) << first.output;
  EXPECT_EQ(first.output, second.output);
  EXPECT_TRUE(contains(first.output, "latents = Tensor(dtype=torch.float32, shape=torch.Size([1, 4, 2, 2]))"));
  EXPECT_NE(first.output, brick("run example.RandomLatents height=16 width=16 seed=8").output);
}

TEST(Cli, PrintsChosenOutputsOrTheWholeState) {
  std::string plugin = "-p " + kPlugins + "test_blocks.so ";
  Result r = brick("run " + plugin + "test_blocks.Defaults --show strength --show output_type");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "strength = 0.3\noutput_type = 'pil'\n");
  r = brick("run " + plugin + "test_blocks.Scratch x=2 --state");
  EXPECT_EQ(r.output, "PipelineState(\n  values={\n    x: 2\n    y: 125\n  },\n  kwargs_mapping={\n\n  }\n)\n");
}

TEST(Cli, ParsesValuesAsJsonTensorsOrText) {
  std::string plugin = "-p " + kPlugins + "test_blocks.so ";
  EXPECT_EQ(brick("run " + plugin + "test_blocks.Values 'v=[1, 2.5, \"s\", null]' --show copy").output,
            "copy = [1, 2.5, 's', None]\n");
  EXPECT_EQ(brick("run " + plugin + "test_blocks.Values 'v=a red circle' --show copy").output,
            "copy = 'a red circle'\n");
  EXPECT_EQ(brick("run " + plugin + "test_blocks.Values 'v=tensor([[1, 2], [3, 4]], int32)' --show copy").output,
            "copy = Tensor(dtype=torch.int32, shape=torch.Size([2, 2]))\n    [[1, 2], [3, 4]]\n");
  Result bad = brick("run " + plugin + "test_blocks.Values 'v=tensor([[1, 2], [3]])'");
  EXPECT_EQ(bad.status, 2);  // a malformed value is a usage error
  EXPECT_EQ(bad.output, "error: input 'v': tensor(...) rows differ in length\n");
  // A literal without its ')' is an error, not text (docs/building.md, "Bad input").
  Result open = brick("run " + plugin + "test_blocks.Values 'v=tensor([1,2'");
  EXPECT_EQ(open.status, 2);
  EXPECT_EQ(open.output,
            "error: input 'v': unterminated tensor literal 'tensor([1,2' (expected tensor(<list>[, dtype]))\n");
}

TEST(Cli, FindsPluginsOnBrickPluginPath) {
  Result r = brick("run test_portable.Double 'x=tensor([1.5])'", "BRICK_PLUGIN_PATH=/nonexistent:" TEST_PLUGIN_DIR);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "y = Tensor(dtype=torch.float32, shape=torch.Size([1]))\n    [3.0]\n"));
}

TEST(Cli, ReportsBlockErrorsWithTheBlockName) {
  Result r = brick("run -p " + kPlugins + "test_blocks.so test_blocks.RequiredInput");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.output, "error: Error in block 'test_blocks.RequiredInput': Required input 'x' is missing\n");
}

TEST(Cli, ReportsUnknownBlocksWithWhatIsLoaded) {
  Result r = brick("run example.Nope");
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.output, "error: unknown block 'example.Nope'")) << r.output;
  EXPECT_TRUE(contains(r.output, "example (Affine, RandomLatents, Update, Repeat)")) << r.output;
  EXPECT_EQ(brick("run Nope").output,
            "error: expected a block named plugin.Block, a pipeline file (.json) or the name of an installed pipeline "
            "(brick list), got 'Nope'\n");
}

TEST(Cli, InspectPrintsMetadataAndDocs) {
  Result r = brick("inspect " + kPlugins + "test_portable.so");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "Plugin test_portable 1.0.0\n")) << r.output;
  EXPECT_TRUE(contains(r.output, "LibTorch:    none (portable plugin)"));
  EXPECT_TRUE(contains(r.output, "test_portable.Double\n\nclass Double\n\n  y = 2 * x, in plain C over DLPack\n"));
  r = brick("inspect example");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "example.Affine\n\nclass Affine\n"));
}

TEST(Cli, InspectReportsABrokenPlugin) {
  for (const char* file : {"not_a_plugin.so", "broken_abi_major.so"}) {
    Result r = brick("inspect " + kPlugins + file);
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_TRUE(contains(r.output, "error: cannot load plugin " + kPlugins + file)) << r.output;
  }
  Result r = brick("inspect no_such_plugin");
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.output, "no plugin named 'no_such_plugin'")) << r.output;
}

TEST(Cli, ABrokenPluginOnTheSearchPathDoesNotStopTheOthers) {
  // The test plugin folder holds broken plugins: they are reported, the
  // wanted block still runs.
  Result r = brick("run test_minimal.Noop -P " TEST_PLUGIN_DIR);
  EXPECT_EQ(r.status, 0) << r.output;
  r = brick("run test_portable.Double 'x=tensor([2.0])' -P " TEST_PLUGIN_DIR " --show y");
  EXPECT_EQ(r.status, 0) << r.output;
}

TEST(Cli, RunsDocumentsAndDrawsAPipelineFile) {
  const std::string file = BRICK_SOURCE_DIR "/pipelines/example.json";
  Result r = brick("run " + file + " seed=3 num_steps=2");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "latents = Tensor(dtype=torch.float32, shape=torch.Size([1, 4, 2, 2]))")) << r.output;

  r = brick("doc " + file);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "class ExampleBlocks\n")) << r.output;
  EXPECT_TRUE(contains(r.output, "      num_steps (`int`, *optional*, defaults to 10):")) << r.output;
  EXPECT_TRUE(contains(brick("doc --repr " + file).output, "    [1] relax (Repeat)\n"));

  r = brick("graph " + file);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "digraph pipeline {")) << r.output;
  EXPECT_TRUE(contains(r.output, "n0 -> n2 [label=\"latents\"];")) << r.output;
  r = brick("graph --format mermaid " + file);
  EXPECT_TRUE(contains(r.output, "flowchart TD\n")) << r.output;
  EXPECT_TRUE(contains(r.output, "n0 -->|\"latents\"| n2")) << r.output;
}

TEST(Cli, APipelineFileErrorNamesTheFileAndThePath) {
  char path[] = "/tmp/brick_cli_pipeline_XXXXXX.json";
  int fd = mkstemps(path, 5);
  ASSERT_GE(fd, 0);
  const std::string text = R"({"brick_pipeline": 1, "blocks": {"sequential": {"a": "example.NoSuchBlock"}}})";
  ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fd);
  Result r = brick(std::string("run ") + path);
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.output, std::string(path) + ": at blocks.sequential.a: unknown block 'example.NoSuchBlock'"))
      << r.output;
  EXPECT_TRUE(contains(r.output, "example (Affine, RandomLatents, Update, Repeat)")) << r.output;
  unlink(path);
}

// --model with a block: the one-block pipeline is made from that
// repository, a folder or a hub id in the Hugging Face cache (the
// shipped-pipeline cases are in text2image_tests).
TEST(Cli, RunTakesTheModelFromAFolderOrTheHubCache) {
  namespace fs = std::filesystem;
  fs::path dir = kScratch / "model";
  fs::remove_all(dir);
  auto write = [](const fs::path& file, const std::string& text) {
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
  };
  const std::string commit = "89abcdef0123456789abcdef0123456789abcdef";
  write(dir / "folder" / "model_index.json", R"({"_class_name": "ExamplePipeline"})");
  write(dir / "hub" / "models--org--example" / "snapshots" / commit / "model_index.json",
        R"({"_class_name": "ExamplePipeline"})");
  write(dir / "hub" / "models--org--example" / "refs" / "main", commit);
  write(dir / "broken" / "model_index.json", "not json");
  const std::string env = "HF_HUB_CACHE=" + (dir / "hub").string();
  const std::string run = "run example.Affine 'x=tensor([1.0, 2.0])' scale=2 shift=1 ";
  const std::string expected = "y = Tensor(dtype=torch.float32, shape=torch.Size([2]))\n    [3.0, 5.0]\n";

  Result r = brick(run + "--model " + (dir / "folder").string(), env);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, expected);
  r = brick(run + "--model org/example", env);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, expected);
  // The folder given is the one read.
  r = brick(run + "--model " + (dir / "broken").string(), env);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(contains(r.output, (dir / "broken" / "model_index.json").string())) << r.output;
  r = brick(run + "--model org/absent", env);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "error: --model: no model repository 'org/absent': looked at 'org/absent', "))
      << r.output;
  EXPECT_TRUE(contains(r.output, "Hugging Face cache (HF_HUB_CACHE): '" +
                                     (dir / "hub" / "models--org--absent").string() + "' (no such folder)"))
      << r.output;
  EXPECT_TRUE(contains(r.output, "download it into that cache with `hf download org/absent`")) << r.output;
  fs::remove_all(dir);
}

namespace {

TEST(CliRegistry, InspectListsEveryPluginAndBlockFoundAndTheBadOnes) {
  Result r = brick("inspect -P " TEST_PLUGIN_DIR);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "example.Affine")) << r.output;
  EXPECT_TRUE(contains(r.output, "test_portable.Double")) << r.output;
  EXPECT_TRUE(contains(r.output, "bad plugin files (brick inspect --bad)")) << r.output;
  r = brick("inspect --bad -P " TEST_PLUGIN_DIR);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "broken_abi_major.so\n  it was built for brick ABI 2.")) << r.output;
  EXPECT_TRUE(contains(r.output, "not_a_plugin.so")) << r.output;
  r = brick("inspect --json");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.rfind("{\"plugins\":[{\"path\":", 0), 0u) << r.output;
  EXPECT_TRUE(contains(r.output, "\"name\":\"Affine\"")) << r.output;
}

TEST(CliRegistry, InspectPrintsOneBlock) {
  Result r = brick("inspect example.Affine");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "class Affine\n\n  Computes y = scale * x + shift")) << r.output;
  r = brick("inspect RandomLatents --json");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.rfind("{\"block\":\"example.RandomLatents\"", 0), 0u) << r.output;
}

TEST(CliRegistry, ALockedPluginThatChangedIsRefusedByName) {
  auto dir = kScratch / "locked";
  std::filesystem::create_directories(dir);
  auto plugin = dir / "versioned.so";
  std::filesystem::copy_file(REGISTRY_TEST_PLUGIN_DIR "/reg_v1.so", plugin,
                             std::filesystem::copy_options::overwrite_existing);
  std::string lock = (kScratch / "brick.lock").string();
  Result r = brick("lock -o " + lock + " reg_versioned.Echo -P " + dir.string());
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "locked reg_versioned 1.0.0 fnv1a64:")) << r.output;
  r = brick("run --lock " + lock + " reg_versioned.Echo x=3 -P " + dir.string());
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "y = 3\n");

  auto time = std::filesystem::last_write_time(plugin);
  std::filesystem::copy_file(REGISTRY_TEST_PLUGIN_DIR "/reg_v2.so", plugin,
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::last_write_time(plugin, time + std::chrono::seconds(2));
  r = brick("run --lock " + lock + " reg_versioned.Echo x=3 -P " + dir.string());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "plugin 'reg_versioned' at " + plugin.string() + " has content hash")) << r.output;
  EXPECT_TRUE(contains(r.output, "but the lock file " + lock + " requires")) << r.output;
  // Without the lock it runs the new one.
  EXPECT_EQ(brick("run reg_versioned.Echo x=3 -P " + dir.string()).status, 0);
}

}  // namespace

namespace {

TEST(CliRegistry, APipelineFileIsLockedAndItsRequirementsChecked) {
  auto dir = kScratch / "pipeline";
  std::filesystem::create_directories(dir / "plugins");
  std::filesystem::copy_file(REGISTRY_TEST_PLUGIN_DIR "/reg_v1.so", dir / "plugins/versioned.so",
                             std::filesystem::copy_options::overwrite_existing);
  auto write = [&](const std::string& name, const std::string& requirement) {
    std::string path = (dir / name).string();
    FILE* f = std::fopen(path.c_str(), "w");
    std::fprintf(f,
                 "{\"brick_pipeline\": 1, \"plugin_dirs\": [\"plugins\"], \"requires\": {\"reg_versioned\": \"%s\"},\n"
                 " \"blocks\": {\"sequential\": {\"echo\": \"reg_versioned.Echo\"}}}\n",
                 requirement.c_str());
    std::fclose(f);
    return path;
  };
  std::string ok = write("ok.json", ">=1.0, <3");
  std::string too_old = write("too_old.json", ">=2");
  Result r = brick("run " + ok + " x=5");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "y = 5\n");
  r = brick("run " + too_old + " x=5");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(
      contains(r.output, "plugin 'reg_versioned' is version 1.0.0, which does not satisfy the requirement '>=2'"))
      << r.output;

  std::string lock = (dir / "brick.lock").string();
  r = brick("lock -o " + lock + " " + ok);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "locked reg_versioned 1.0.0 fnv1a64:")) << r.output;
  EXPECT_EQ(brick("run --lock " + lock + " " + ok + " x=5").status, 0);
  std::filesystem::copy_file(REGISTRY_TEST_PLUGIN_DIR "/reg_v2.so", dir / "plugins/versioned.so",
                             std::filesystem::copy_options::overwrite_existing);
  r = brick("run " + ok + " x=5", "BRICK_LOCK=" + lock);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "plugin 'reg_versioned' at ")) << r.output;
}

}  // namespace
