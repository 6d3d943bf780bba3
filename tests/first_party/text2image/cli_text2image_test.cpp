// `brick run pipelines/text2image.json` as the README runs it: PNG files
// written, their paths printed, a component swapped from the command line.
#include <cstdlib>
#include <fstream>

#include "../../cli/run_brick.h"
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
  cli_run::Result r = cli_run::brick("run " + kPipeline + " num_inference_steps=8 output=" + output.string(), environment(dir));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, "image_paths = ['" + output.string() + "']")) << r.output;
  EXPECT_TRUE(is_png(output));
}

TEST(TextToImageCommand, ASchedulerIsChosenByName) {
  TempDir dir;
  fs::path output = dir / "ddim.png";
  cli_run::Result r = cli_run::brick("run " + kPipeline + " scheduler=DDIMScheduler num_inference_steps=8 output=" + output.string() +
                       " --state",
                   environment(dir));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(is_png(output));
  r = cli_run::brick("run " + kPipeline + " scheduler=NoSuchScheduler", environment(dir));
  EXPECT_NE(r.status, 0);
  EXPECT_TRUE(cli_run::contains(r.output, "component 'scheduler': no component type 'NoSuchScheduler' (known: ")) << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, "core.DDIMScheduler")) << r.output;
}

TEST(TextToImageCommand, DocumentsThePipeline) {
  TempDir dir;
  cli_run::Result r = cli_run::brick("doc " + kPipeline, environment(dir));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, "class ShapesAutoBlocks")) << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, "prompt")) << r.output;
}

}  // namespace
}  // namespace brick::test
