#include "save_images.h"

#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "conversions.h"
#include "png_write.h"

namespace image {

namespace fs = std::filesystem;

namespace {

// "out/brick.png" for one image; "out/brick-0.png", "out/brick-1.png", ...
// for several (the stem numbered, the extension kept as given).
std::vector<fs::path> output_paths(const fs::path& output, int64_t count) {
  if (count == 1) return {output};
  std::vector<fs::path> paths;
  for (int64_t i = 0; i < count; ++i) {
    std::string name = output.stem().string();
    name += "-";
    name += std::to_string(i);
    name += output.extension().string();
    paths.push_back(output.parent_path() / name);
  }
  return paths;
}

}  // namespace

std::string SaveImagesStep::description() const {
  return "Step that writes the generated images as PNG files: `output` for one image, `output` with its stem "
         "numbered (brick-0.png, brick-1.png, ...) for several";
}

std::vector<brick::InputParam> SaveImagesStep::inputs() const {
  return {brick::InputParam("images", "Tensor",
                            "The images to write: float (N, 3, H, W) in [0, 1] or uint8 (N, H, W, 3), on any device.")
              .set_required(),
          brick::InputParam("output", "str",
                            "The PNG file to write; with several images, its stem is numbered: brick-0.png, "
                            "brick-1.png, ... Missing folders are created.")
              .with_default(std::string("brick.png"))};
}

std::vector<brick::OutputParam> SaveImagesStep::intermediate_outputs() const {
  return {
      brick::OutputParam("image_paths", "list[str]", "The absolute paths of the PNG files written, in batch order")};
}

void SaveImagesStep::operator()(brick::Components&, brick::PipelineState& state) {
  auto block_state = get_block_state(state);
  at::Tensor images = to_uint8_nhwc(block_state.get<at::Tensor>("images"), "images");
  std::string output = block_state.get<std::string>("output");
  if (output.empty()) throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, "output: the file name is empty");
  if (images.size(0) == 0) throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, "images: the batch is empty");

  fs::path absolute = fs::absolute(fs::path(output)).lexically_normal();
  if (!absolute.has_filename()) {
    std::string message = "output: '";
    message += output;
    message += "' names a folder, not a file";
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, message);
  }
  std::error_code error;
  fs::create_directories(absolute.parent_path(), error);
  if (error) {
    std::string message = "cannot create the folder '";
    message += absolute.parent_path().string();
    message += "': ";
    message += error.message();
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, message);
  }

  std::vector<std::string> written;
  std::vector<fs::path> paths = output_paths(absolute, images.size(0));
  for (size_t i = 0; i < paths.size(); ++i) {
    write_png(paths[i].string(), images[static_cast<int64_t>(i)]);
    written.push_back(paths[i].string());
  }
  block_state.set("image_paths", written);
  set_block_state(state, block_state);
}

}  // namespace image
