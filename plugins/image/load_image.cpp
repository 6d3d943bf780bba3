#include "load_image.h"

#include "png_read.h"

namespace image {

std::string LoadImageStep::description() const {
  return "Step that reads a PNG file into an RGB image tensor (gray, palette and alpha images are converted to "
         "RGB, 16-bit samples to 8-bit)";
}

std::vector<brick::InputParam> LoadImageStep::inputs() const {
  return {brick::InputParam("image_path", "str", "Path to the PNG file to read.").set_required()};
}

std::vector<brick::OutputParam> LoadImageStep::intermediate_outputs() const {
  return {
      brick::OutputParam("image", "Tensor", "The image as a uint8 tensor of shape (height, width, 3), on the CPU.")};
}

void LoadImageStep::operator()(brick::Components&, brick::PipelineState& state) {
  auto block_state = get_block_state(state);
  block_state.set("image", read_png(block_state.get<std::string>("image_path")));
  set_block_state(state, block_state);
}

}  // namespace image
