// pipelines/sd15.json and pipelines/sdxl.json run as a user runs them
// (`brick run PIPELINE --model FOLDER prompt=...`) on tiny folders the test
// lays out: text to image and image to image, the PNG written.
#include <cstdlib>

#include "../../cli/run_brick.h"
#include "sdxl_test_support.h"

namespace sdxl_test {
namespace {

const std::string kSd15 = std::string(BRICK_SOURCE_DIR) + "/pipelines/sd15.json";

std::string environment(const TempDir& dir) { return "BRICK_REGISTRY_CACHE=" + (dir / "cache/").string(); }

bool is_png(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  char signature[8] = {};
  in.read(signature, 8);
  return in && std::string(signature, 8) == std::string("\x89PNG\r\n\x1a\n", 8);
}

TEST(StableDiffusion15Pipeline, TextToImageFromAFolder) {
  TempDir dir;
  write_tiny_sd1(dir / "sd1");
  fs::path output = dir / "out.png";
  cli_run::Result r = cli_run::brick("run " + kSd15 + " --model " + (dir / "sd1").string() +
                                         " prompt=\"a red circle\" num_inference_steps=2 output=" + output.string(),
                                     environment(dir));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, output.string())) << r.output;
  EXPECT_TRUE(is_png(output));
}

}  // namespace
}  // namespace sdxl_test
