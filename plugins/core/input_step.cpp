#include "input_step.h"

#include <ATen/ops/repeat_interleave.h>

namespace core {

namespace {

// The dtype as LoadOptions and pipeline files spell it.
std::string dtype_name(at::ScalarType type) {
  switch (type) {
    case at::kFloat:
      return "float32";
    case at::kHalf:
      return "float16";
    case at::kBFloat16:
      return "bfloat16";
    case at::kDouble:
      return "float64";
    default:
      return c10::toString(type);
  }
}

}  // namespace

std::string InputStep::description() const {
  return "Input processing step that:\n"
         "  1. Determines `batch_size` and `dtype` based on `prompt_embeds`\n"
         "  2. Adjusts input tensor shapes based on `batch_size` (number of prompts) and `num_images_per_prompt`\n\n"
         "All input tensors are expected to have either batch_size=1 or match the batch_size\n"
         "of prompt_embeds. The tensors will be duplicated across the batch dimension to\n"
         "have a final batch_size of batch_size * num_images_per_prompt.";
}

std::vector<brick::InputParam> InputStep::inputs() const {
  return {
      brick::InputParam("num_images_per_prompt", "int", "The number of images to generate per prompt.").with_default(1),
      brick::InputParam("prompt_embeds", "Tensor",
                        "Pre-generated text embeddings. Can be generated from text_encoder step.")
          .set_required(),
      brick::InputParam("negative_prompt_embeds", "Tensor",
                        "Pre-generated negative text embeddings. Can be generated from text_encoder step.")};
}

std::vector<brick::OutputParam> InputStep::intermediate_outputs() const {
  return {brick::OutputParam("batch_size", "int",
                             "Number of prompts, the final batch size of model inputs should be batch_size * "
                             "num_images_per_prompt"),
          brick::OutputParam("dtype", "str", "Data type of model tensor inputs (determined by `prompt_embeds`)"),
          brick::OutputParam("prompt_embeds", "Tensor", "text embeddings used to guide the image generation")
              .with_kwargs_type("denoiser_input_fields"),
          brick::OutputParam("negative_prompt_embeds", "Tensor",
                             "negative text embeddings used to guide the image generation")
              .with_kwargs_type("denoiser_input_fields")};
}

void InputStep::operator()(brick::Components&, brick::PipelineState& state) {
  auto block_state = get_block_state(state);
  const int64_t num_images_per_prompt = block_state.get<int64_t>("num_images_per_prompt");
  if (num_images_per_prompt < 1) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       c10::str("num_images_per_prompt must be at least 1, got ", num_images_per_prompt));
  }
  at::Tensor prompt_embeds = block_state.get<at::Tensor>("prompt_embeds");
  std::optional<at::Tensor> negative = block_state.get<std::optional<at::Tensor>>("negative_prompt_embeds");
  if (prompt_embeds.dim() < 1)
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, "prompt_embeds must have a batch dimension");
  if (negative && negative->sizes() != prompt_embeds.sizes()) {
    throw brick::Error(
        BRICK_ERR_INVALID_ARGUMENT,
        c10::str("`prompt_embeds` and `negative_prompt_embeds` must have the same shape when passed directly, "
                 "but got: `prompt_embeds` ",
                 prompt_embeds.sizes(), " != `negative_prompt_embeds` ", negative->sizes(), "."));
  }
  block_state.set("batch_size", prompt_embeds.size(0));
  block_state.set("dtype", dtype_name(prompt_embeds.scalar_type()));
  // Each prompt's copies stay together (prompt 0 image 0, prompt 0 image 1, ...).
  if (num_images_per_prompt > 1) {
    block_state.set("prompt_embeds", at::repeat_interleave(prompt_embeds, num_images_per_prompt, 0));
    if (negative) block_state.set("negative_prompt_embeds", at::repeat_interleave(*negative, num_images_per_prompt, 0));
  }
  set_block_state(state, block_state);
}

}  // namespace core
