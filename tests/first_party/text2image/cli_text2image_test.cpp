// `brick run pipelines/text2image.json` as the README runs it: PNG files
// written, their paths printed, a component swapped from the command line.
#include <cstdlib>
#include <fstream>

#include "../../cli/run_brick.h"
#include "brick/host/components/modular_repository.h"
#include "text2image_support.h"

namespace brick::test {
namespace {

const std::string kPipeline = std::string(BRICK_SOURCE_DIR) + "/pipelines/text2image.json";

// The registry cache of these runs stays in the test's own folder.
std::string environment(const TempDir& dir) { return "BRICK_REGISTRY_CACHE=" + (dir / "cache/").string(); }

bool is_png(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  char signature[8] = {};
  in.read(signature, 8);
  return in && std::string(signature, 8) == std::string("\x89PNG\r\n\x1a\n", 8);
}

TEST(TextToImageCommand, WritesThePngAndSaysWhere) {
  TempDir dir;
  fs::path output = dir / "out" / "red.png";
  cli_run::Result r =
      cli_run::brick("run " + kPipeline + " num_inference_steps=8 output=" + output.string(), environment(dir));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, "image_paths = ['" + output.string() + "']")) << r.output;
  EXPECT_TRUE(is_png(output));
}

TEST(TextToImageCommand, ASchedulerIsChosenByName) {
  TempDir dir;
  fs::path output = dir / "ddim.png";
  cli_run::Result r = cli_run::brick(
      "run " + kPipeline + " scheduler=DDIMScheduler num_inference_steps=8 output=" + output.string() + " --state",
      environment(dir));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(is_png(output));
  r = cli_run::brick("run " + kPipeline + " scheduler=NoSuchScheduler", environment(dir));
  EXPECT_NE(r.status, 0);
  EXPECT_TRUE(cli_run::contains(r.output, "component 'scheduler': no component type 'NoSuchScheduler' (known: "))
      << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, "core.DDIMScheduler")) << r.output;
}

TEST(TextToImageCommand, DocumentsThePipeline) {
  TempDir dir;
  cli_run::Result r = cli_run::brick("doc " + kPipeline, environment(dir));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, "class ShapesAutoBlocks")) << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, "prompt")) << r.output;
}

// The first hour's snags: typed inputs, typos, -o, --json, previews,
// --component, pipelines by name, doc with the file's inputs.
TEST(TextToImageCommand, InputsAreReadByTheirDeclaredType) {
  TempDir dir;
  // prompt is `str | list[str]`: 123 and true stay text (they used to fail inside the block).
  cli_run::Result r = cli_run::brick(
      "run " + kPipeline + " prompt=123 num_inference_steps=2 --show prompt -o " + (dir / "a.png").string(),
      environment(dir));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, "prompt = '123'")) << r.output;
  r = cli_run::brick("run " + kPipeline + " seed=abc", environment(dir));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, "input 'seed' expects int, got 'abc'")) << r.output;
}

TEST(TextToImageCommand, ATypoIsRefusedWithASuggestion) {
  TempDir dir;
  cli_run::Result r = cli_run::brick("run " + kPipeline + " promt=cat", environment(dir));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, "unknown input 'promt' (did you mean 'prompt'?)")) << r.output;
  r = cli_run::brick(
      "run " + kPipeline + " promt=cat num_inference_steps=2 --allow-unknown -o " + (dir / "b.png").string(),
      environment(dir));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, "Unexpected input")) << r.output;
  r = cli_run::brick("run " + kPipeline + " =x", environment(dir));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, "expected NAME=VALUE, got '=x'")) << r.output;
}

TEST(TextToImageCommand, DashOWritesTheFileAndJsonPrintsTheOutputs) {
  TempDir dir;
  fs::path output = dir / "o" / "j.png";
  cli_run::Result r =
      cli_run::brick("run " + kPipeline + " num_inference_steps=4 --json -o " + output.string(), environment(dir));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(is_png(output));
  EXPECT_TRUE(cli_run::contains(r.output, "{\"image_paths\": [\"" + output.string() + "\"]}")) << r.output;
  r = cli_run::brick("run example.Affine 'x=tensor([1.0])' -o x.png", environment(dir));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, "declares no 'output' input")) << r.output;
}

TEST(TextToImageCommand, PreviewsAreWrittenEveryNSteps) {
  TempDir dir;
  fs::path output = dir / "p.png";
  cli_run::Result r = cli_run::brick(
      "run " + kPipeline + " num_inference_steps=6 --preview-every 3 -o " + output.string(), environment(dir));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(is_png(dir / "p-step3.png"));
  EXPECT_TRUE(is_png(dir / "p-step6.png"));
  EXPECT_FALSE(fs::exists(dir / "p-step2.png"));
  EXPECT_TRUE(is_png(output));
}

TEST(TextToImageCommand, AComponentsConfigIsSetFromTheCommandLine) {
  TempDir dir;
  cli_run::Result r = cli_run::brick("run " + kPipeline +
                                         " scheduler=DDIMScheduler --component 'scheduler={\"clip_sample\": true}' "
                                         "num_inference_steps=2 -o " +
                                         (dir / "c.png").string(),
                                     environment(dir));
  EXPECT_EQ(r.status, 0) << r.output;
  r = cli_run::brick("run " + kPipeline + " --component 'schedular={}'", environment(dir));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, "unknown component 'schedular' (did you mean 'scheduler'?)")) << r.output;
  // A model keeps its weights across a config change: the same image.
  fs::path same = dir / "same.png", changed = dir / "changed.png";
  ASSERT_EQ(cli_run::brick("run " + kPipeline + " num_inference_steps=2 -o " + same.string(), environment(dir)).status,
            0);
  r = cli_run::brick(
      "run " + kPipeline + " --component 'unet={\"unused_key\": 1}' num_inference_steps=2 -o " + changed.string(),
      environment(dir));
  ASSERT_EQ(r.status, 0) << r.output;
  std::ifstream a(same, std::ios::binary), b(changed, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(a), {}), std::string(std::istreambuf_iterator<char>(b), {}));
}

TEST(TextToImageCommand, InstalledPipelinesRunAndListByName) {
  TempDir dir;
  cli_run::Result r = cli_run::brick("list", environment(dir));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, "text2image")) << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, "core.DDIMScheduler")) << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, "shapes.TextEncoderStep")) << r.output;
  r = cli_run::brick("run text2image num_inference_steps=2 -o " + (dir / "n.png").string(), environment(dir));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(is_png(dir / "n.png"));
}

TEST(TextToImageCommand, DocShowsTheInputsTheFileSets) {
  TempDir dir;
  cli_run::Result r = cli_run::brick("doc " + kPipeline, environment(dir));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, "Inputs as " + kPipeline + " sets them")) << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, "defaults to a red circle")) << r.output;
  r = cli_run::brick("inspect " + kPipeline, environment(dir));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, "brick doc " + kPipeline)) << r.output;
}

TEST(TextToImageCommand, UnknownWordsAreNamedAndQuietHidesWarnings) {
  TempDir dir;
  cli_run::Result r = cli_run::brick(
      "run " + kPipeline + " 'prompt=a cat' num_inference_steps=2 -o " + (dir / "w.png").string(), environment(dir));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, "does not know 'cat'")) << r.output;
  r = cli_run::brick("-q run " + kPipeline + " 'prompt=a cat' num_inference_steps=2 -o " + (dir / "w.png").string(),
                     environment(dir));
  EXPECT_FALSE(cli_run::contains(r.output, "does not know")) << r.output;
  r = cli_run::brick("run " + kPipeline + " 'prompt=a cat' num_inference_steps=2 -o " + (dir / "w.png").string(),
                     environment(dir) + " BRICK_LOG_LEVEL=error");
  EXPECT_FALSE(cli_run::contains(r.output, "does not know")) << r.output;
}

std::string bytes_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A copy of the build's shapes repository whose index points its components
// at `components_from` (a folder, or the hub id a hub-saved index names).
void copy_shapes_repository(const fs::path& to, const std::string& components_from) {
  fs::copy(fs::path(BRICK_BINARY_DIR) / "share" / "brick" / "models" / "shapes", to, fs::copy_options::recursive);
  ModularModelIndex index = read_modular_model_index(to);
  for (auto& [name, entry] : index.components) entry.spec.pretrained_model_name_or_path = components_from;
  write_modular_model_index(to, index);
}

// `folder` put into a Hugging Face cache as `hf download` leaves a
// repository: every file in blobs/, the snapshot of relative symlinks to
// them, refs/main naming the commit.
void put_in_hub_cache(const fs::path& folder, const fs::path& cache, const std::string& repo_folder) {
  const std::string commit = "5d2ef9bb0d8c2e5b6c55d8b2c1f3b27e4a0b9c11";
  fs::path repo = cache / repo_folder;
  fs::create_directories(repo / "blobs");
  fs::create_directories(repo / "refs");
  int blob = 0;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(folder)) {
    if (!entry.is_regular_file()) continue;
    fs::path relative = entry.path().lexically_relative(folder);
    fs::path digest = "blob" + std::to_string(blob++);
    fs::copy_file(entry.path(), repo / "blobs" / digest);
    fs::path link = repo / "snapshots" / commit / relative;
    fs::create_directories(link.parent_path());
    // snapshots/<commit>/<relative> -> ../../blobs/<digest>, one ".." more per folder.
    fs::path up = "../..";
    fs::path folders = relative.parent_path();
    for (auto it = folders.begin(); it != folders.end(); ++it) up /= "..";
    fs::create_symlink(up / "blobs" / digest, link);
  }
  std::ofstream(repo / "refs" / "main") << commit;
}

// brick run --model: the file's repository replaced on the command line by a
// folder or by a hub id in the local cache; the same model draws the same
// image, a broken one fails naming where it was read from.
TEST(TextToImageCommand, TheModelIsChosenOnTheCommandLine) {
  TempDir dir;
  std::string env = environment(dir) + " HF_HUB_CACHE=" + (dir / "hub").string();
  std::string run = "run " + kPipeline + " num_inference_steps=2 ";
  ASSERT_EQ(cli_run::brick(run + "-o " + (dir / "base.png").string(), env).status, 0);

  copy_shapes_repository(dir / "folder", (dir / "folder").string());
  cli_run::Result r =
      cli_run::brick(run + "--model " + (dir / "folder").string() + " -o " + (dir / "folder.png").string(), env);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(bytes_of(dir / "folder.png"), bytes_of(dir / "base.png"));

  copy_shapes_repository(dir / "staging", "test-org/shapes");
  put_in_hub_cache(dir / "staging", dir / "hub", "models--test-org--shapes");
  fs::remove_all(dir / "staging");
  r = cli_run::brick(run + "--model test-org/shapes -o " + (dir / "hub.png").string(), env);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(bytes_of(dir / "hub.png"), bytes_of(dir / "base.png"));

  // The folder given is the one read: without its unet, the run fails there.
  fs::remove_all(dir / "folder" / "unet");
  r = cli_run::brick(run + "--model " + (dir / "folder").string() + " -o " + (dir / "x.png").string(), env);
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, "no folder '" + (dir / "folder" / "unet").string() + "'")) << r.output;

  r = cli_run::brick(run + "--model test-org/absent", env);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, "error: --model: no model repository 'test-org/absent': looked at "))
      << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, "Hugging Face cache (HF_HUB_CACHE): '" +
                                              (dir / "hub" / "models--test-org--absent").string() +
                                              "' (no such folder)"))
      << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, "`hf download test-org/absent`")) << r.output;
}

}  // namespace
}  // namespace brick::test
