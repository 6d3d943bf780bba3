#include "text_encoder_step.h"

#include <ATen/core/Tensor.h>

#include "config_values.h"

namespace shapes {

namespace {

// A str or a list of str; `name` for messages.
std::vector<std::string> prompt_list(brick::ValueRef value, const char* name) {
  if (value.kind() == BRICK_VALUE_STRING) return {value.as<std::string>()};
  if (value.kind() == BRICK_VALUE_LIST) {
    try {
      return value.as<std::vector<std::string>>();
    } catch (const brick::Error&) {
    }
  }
  throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                     concat("`", name, "` has to be of type `str` or `list` of `str`, got ", value.kind_name()));
}

}  // namespace

std::string TextEncoderStep::description() const {
  return "Text encoder step that turns the prompt and the negative prompt into multi-hot conditions over the "
         "model's vocabulary of colours and shapes";
}

std::vector<brick::ComponentSpec> TextEncoderStep::expected_components() const {
  return {brick::ComponentSpec("text_encoder", "shapes.ShapesTextEncoder",
                               "Maps the words of a prompt to colour and shape attributes")};
}

std::vector<brick::InputParam> TextEncoderStep::inputs() const {
  return {brick::InputParam("prompt", "str | list[str]", "The prompt or prompts to guide image generation.")
              .with_default(std::string()),
          brick::InputParam("negative_prompt", "str | list[str]",
                            "The prompt or prompts not to guide the image generation (None: \"\", unconditional).")};
}

std::vector<brick::OutputParam> TextEncoderStep::intermediate_outputs() const {
  return {brick::OutputParam("prompt_embeds", "Tensor", "conditions used to guide the image generation, [B, K]"),
          brick::OutputParam("negative_prompt_embeds", "Tensor",
                             "negative conditions used to guide the image generation, [B, K]")};
}

void TextEncoderStep::operator()(brick::Components& components, brick::PipelineState& state) {
  auto block_state = get_block_state(state);
  brick::ValueRef prompt_value = block_state["prompt"];
  std::vector<std::string> prompts = prompt_value.is_none() ? std::vector<std::string>{""} : prompt_list(prompt_value, "prompt");

  // diffusers' encode_prompt: None -> "", one string for every prompt, or
  // a list as long as the prompts.
  brick::ValueRef negative_value = block_state["negative_prompt"];
  std::vector<std::string> negatives =
      negative_value.is_none() ? std::vector<std::string>{""} : prompt_list(negative_value, "negative_prompt");
  if (negatives.size() == 1 && prompts.size() != 1) negatives.assign(prompts.size(), negatives[0]);
  if (negatives.size() != prompts.size()) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       concat("`negative_prompt` has batch size ", std::to_string(negatives.size()),
                              ", but `prompt` has batch size ", std::to_string(prompts.size()),
                              ". Please make sure that passed `negative_prompt` matches the batch size of `prompt`."));
  }

  brick::ComponentRef encoder = components.get("text_encoder");
  if (encoder.is_none()) {
    throw brick::Error(BRICK_ERR_NOT_FOUND, "the text_encoder component is not loaded (load_components first)");
  }
  at::Device device = brick::torch_device(components.device());
  auto encode = [&](const std::vector<std::string>& texts) {
    brick::Value out = encoder.call("encode", brick::Value::dict().set("prompt", texts));
    return out.ref().as<at::Tensor>().to(device);
  };
  block_state.set("prompt_embeds", encode(prompts));
  block_state.set("negative_prompt_embeds", encode(negatives));
  set_block_state(state, block_state);
}

}  // namespace shapes
