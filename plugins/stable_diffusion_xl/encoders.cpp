#include "encoders.h"

#include <ATen/TensorOperators.h>
#include <ATen/ops/cat.h>
#include <ATen/ops/exp.h>
#include <ATen/ops/layer_norm.h>
#include <ATen/ops/lt.h>
#include <ATen/ops/tensor.h>
#include <ATen/ops/zeros_like.h>

#include <optional>
#include <string>
#include <vector>

#include "image_latents.h"
#include "support.h"

namespace stable_diffusion_xl {

namespace {

const char* const kTextEncoder = "stable_diffusion_xl.StableDiffusionXLTextEncoderStep";
const char* const kVaeEncoder = "stable_diffusion_xl.StableDiffusionXLVaeEncoderStep";
const char* const kInpaintVaeEncoder = "stable_diffusion_xl.StableDiffusionXLInpaintVaeEncoderStep";
const char* const kSdTextEncoder = "stable_diffusion_xl.StableDiffusionTextEncoderStep";

brick::Value texts(const std::vector<std::string>& prompts) {
  brick::Value list = brick::Value::list();
  for (const std::string& p : prompts) list.append(brick::Value(p));
  return list;
}

int64_t model_max_length(const brick::ComponentRef& tokenizer) {
  brick::Value config = tokenizer.call("config");
  brick::ValueRef m = config.ref().kind() == BRICK_VALUE_DICT ? config.ref()["model_max_length"] : brick::ValueRef();
  return m.is_none() ? 77 : m.as<int64_t>();
}

// tokenizer(prompt, padding="max_length", max_length=..., truncation=True).input_ids
at::Tensor tokenize(const brick::ComponentRef& tokenizer, const std::vector<std::string>& prompts, int64_t max_length) {
  brick::Value out = tokenizer.call("__call__", brick::Value::dict()
                                                    .set("text", texts(prompts))
                                                    .set("padding", brick::Value("max_length"))
                                                    .set("max_length", brick::Value(max_length))
                                                    .set("truncation", brick::Value(true)));
  return out.ref()["input_ids"].as<at::Tensor>();
}

// text_encoder(input_ids, output_hidden_states=True): the result dict.
brick::Value encode(const brick::ComponentRef& text_encoder, const at::Tensor& input_ids, at::Device device) {
  return text_encoder.call("forward", brick::Value::dict()
                                          .set("input_ids", brick::Value(input_ids.to(device)))
                                          .set("output_hidden_states", brick::Value(true)));
}

// output[0]: text_embeds for CLIPTextModelWithProjection, last_hidden_state
// for CLIPTextModel (transformers' output tuples put them first).
at::Tensor first_output(const brick::Value& out) {
  brick::ValueRef r = out.ref();
  if (r["text_embeds"].is_tensor()) return r["text_embeds"].as<at::Tensor>();
  return r["last_hidden_state"].as<at::Tensor>();
}

// hidden_states[index], index negative from the end as in Python.
at::Tensor hidden_state(const brick::Value& out, int64_t index, const std::string& block) {
  brick::ValueRef states = out.ref()["hidden_states"];
  const auto n = static_cast<int64_t>(states.size());
  const int64_t i = index < 0 ? n + index : index;
  if (states.kind() != BRICK_VALUE_LIST || i < 0 || i >= n) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, block + ": the text encoder has " + std::to_string(n) +
                                                       " hidden states, hidden_states[" + std::to_string(index) +
                                                       "] does not exist (clip_skip too large?)");
  }
  return states[static_cast<size_t>(i)].as<at::Tensor>();
}

std::optional<int64_t> clip_skip_of(const brick::BlockState& block_state) {
  brick::ValueRef v = block_state["clip_skip"];
  if (v.is_none()) return std::nullopt;
  return v.as<int64_t>();
}

// negative_prompt (str or list, None: "") as a list of batch_size prompts.
std::vector<std::string> negative_list(brick::ValueRef value, const std::vector<std::string>& fallback_from,
                                       size_t batch_size, const char* name, const std::string& block) {
  std::optional<std::vector<std::string>> given = prompt_list(value, name, block);
  std::vector<std::string> out;
  if (!given) {
    out = fallback_from;
  } else if (value.kind() == BRICK_VALUE_STRING) {
    out.assign(batch_size, given->front());
  } else {
    out = *given;
  }
  if (out.size() != batch_size) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, block + ": `" + name + "` has batch size " +
                                                       std::to_string(out.size()) + ", but `prompt` has batch size " +
                                                       std::to_string(batch_size) + ". Please make sure that passed `" +
                                                       name + "` matches the batch size of `prompt`.");
  }
  return out;
}

}  // namespace

// --- StableDiffusionXLTextEncoderStep ---------------------------------------

std::string StableDiffusionXLTextEncoderStep::description() const {
  return "Text Encoder step that generate text_embeddings to guide the image generation";
}

std::vector<brick::ComponentSpec> StableDiffusionXLTextEncoderStep::expected_components() const {
  return {specs::text_encoder(), specs::text_encoder_2(), specs::tokenizer(), specs::tokenizer_2(), specs::guider()};
}

std::vector<brick::ConfigSpec> StableDiffusionXLTextEncoderStep::expected_configs() const {
  return {brick::ConfigSpec("force_zeros_for_empty_prompt", true)};
}

std::vector<brick::InputParam> StableDiffusionXLTextEncoderStep::inputs() const {
  return {brick::InputParam("prompt"),
          brick::InputParam("prompt_2"),
          brick::InputParam("negative_prompt"),
          brick::InputParam("negative_prompt_2"),
          brick::InputParam("cross_attention_kwargs"),
          brick::InputParam("clip_skip")};
}

std::vector<brick::OutputParam> StableDiffusionXLTextEncoderStep::intermediate_outputs() const {
  return {
      brick::OutputParam("prompt_embeds", "Tensor", "text embeddings used to guide the image generation")
          .with_kwargs_type("denoiser_input_fields"),
      brick::OutputParam("negative_prompt_embeds", "Tensor",
                         "negative text embeddings used to guide the image generation")
          .with_kwargs_type("denoiser_input_fields"),
      brick::OutputParam("pooled_prompt_embeds", "Tensor", "pooled text embeddings used to guide the image generation")
          .with_kwargs_type("denoiser_input_fields"),
      brick::OutputParam("negative_pooled_prompt_embeds", "Tensor",
                         "negative pooled text embeddings used to guide the image generation")
          .with_kwargs_type("denoiser_input_fields")};
}

void StableDiffusionXLTextEncoderStep::operator()(brick::Components& components, brick::PipelineState& state) {
  auto block_state = get_block_state(state);
  const at::Device device = brick::torch_device(components.device());
  std::optional<std::vector<std::string>> prompt = prompt_list(block_state["prompt"], "prompt", kTextEncoder);
  std::optional<std::vector<std::string>> prompt_2 = prompt_list(block_state["prompt_2"], "prompt_2", kTextEncoder);
  if (!prompt) throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, std::string(kTextEncoder) + ": `prompt` is None");
  const size_t batch_size = prompt->size();
  const bool prepare_unconditional_embeds =
      require_component(components, "guider", kTextEncoder).call("num_conditions").ref().as<int64_t>() > 1;
  const std::optional<int64_t> clip_skip = clip_skip_of(block_state);

  // Both encoders, or text_encoder_2 alone when there is no first one (the
  // refiner), as diffusers pairs them.
  std::vector<brick::ComponentRef> tokenizers;
  std::vector<brick::ComponentRef> text_encoders;
  if (!components.get("tokenizer").is_none()) {
    tokenizers.push_back(require_component(components, "tokenizer", kTextEncoder));
    text_encoders.push_back(require_component(components, "text_encoder", kTextEncoder));
  }
  tokenizers.push_back(require_component(components, "tokenizer_2", kTextEncoder));
  text_encoders.push_back(require_component(components, "text_encoder_2", kTextEncoder));

  const std::vector<std::string> prompts_2 = prompt_2 ? *prompt_2 : *prompt;
  const std::vector<std::vector<std::string>> prompts = {*prompt, prompts_2};
  std::vector<at::Tensor> embeds;
  at::Tensor pooled;
  for (size_t k = 0; k < tokenizers.size(); ++k) {
    const std::vector<std::string>& p = tokenizers.size() == 1 ? prompts[0] : prompts[k];
    at::Tensor ids = tokenize(tokenizers[k], p, model_max_length(tokenizers[k]));
    brick::Value out = encode(text_encoders[k], ids, device);
    pooled = first_output(out);
    // "2" because SDXL always indexes from the penultimate layer.
    embeds.push_back(hidden_state(out, clip_skip ? -(*clip_skip + 2) : -2, kTextEncoder));
  }
  at::Tensor prompt_embeds = at::cat(embeds, -1);

  std::optional<at::Tensor> negative_prompt_embeds;
  std::optional<at::Tensor> negative_pooled;
  brick::ValueRef force_zeros = components.config("force_zeros_for_empty_prompt");
  const bool zero_out_negative_prompt =
      block_state["negative_prompt"].is_none() && (force_zeros.is_none() || force_zeros.as<bool>());
  if (prepare_unconditional_embeds && zero_out_negative_prompt) {
    negative_prompt_embeds = at::zeros_like(prompt_embeds);
    negative_pooled = at::zeros_like(pooled);
  } else if (prepare_unconditional_embeds) {
    const std::vector<std::string> empty(batch_size, "");
    std::vector<std::string> negative =
        negative_list(block_state["negative_prompt"], empty, batch_size, "negative_prompt", kTextEncoder);
    std::vector<std::string> negative_2 =
        negative_list(block_state["negative_prompt_2"], negative, batch_size, "negative_prompt_2", kTextEncoder);
    const std::vector<std::vector<std::string>> uncond = {negative, negative_2};
    std::vector<at::Tensor> negative_embeds;
    for (size_t k = 0; k < tokenizers.size(); ++k) {
      const std::vector<std::string>& p = tokenizers.size() == 1 ? uncond[0] : uncond[k];
      at::Tensor ids = tokenize(tokenizers[k], p, prompt_embeds.size(1));
      brick::Value out = encode(text_encoders[k], ids, device);
      negative_pooled = first_output(out);
      negative_embeds.push_back(hidden_state(out, -2, kTextEncoder));
    }
    negative_prompt_embeds = at::cat(negative_embeds, -1);
  }

  const at::ScalarType dtype = component_dtype(text_encoders.back());
  block_state.set("prompt_embeds", prompt_embeds.to(device, dtype));
  block_state.set("pooled_prompt_embeds", pooled.to(device));
  if (negative_prompt_embeds) {
    block_state.set("negative_prompt_embeds", negative_prompt_embeds->to(device, dtype));
    block_state.set("negative_pooled_prompt_embeds", negative_pooled->to(device));
  } else {
    block_state.set("negative_prompt_embeds", brick::Value(nullptr));
    block_state.set("negative_pooled_prompt_embeds", brick::Value(nullptr));
  }
  set_block_state(state, block_state);
}

// --- StableDiffusionXLVaeEncoderStep ----------------------------------------

std::string StableDiffusionXLVaeEncoderStep::description() const {
  return "Vae Encoder step that encode the input image into a latent representation";
}

std::vector<brick::ComponentSpec> StableDiffusionXLVaeEncoderStep::expected_components() const {
  return {specs::vae(), specs::image_processor()};
}

std::vector<brick::InputParam> StableDiffusionXLVaeEncoderStep::inputs() const {
  return {brick::InputParam("image").set_required(),
          brick::InputParam("height"),
          brick::InputParam("width"),
          brick::InputParam("generator"),
          brick::InputParam("dtype", "dtype", "Data type of model tensor inputs"),
          brick::InputParam("preprocess_kwargs", "dict | NoneType",
                            "A kwargs dictionary that if specified is passed along to the `ImageProcessor` as "
                            "defined under `self.image_processor` in [diffusers.image_processor.VaeImageProcessor]")};
}

std::vector<brick::OutputParam> StableDiffusionXLVaeEncoderStep::intermediate_outputs() const {
  return {brick::OutputParam("image_latents", "Tensor",
                             "The latents representing the reference image for image-to-image/inpainting generation")};
}

void StableDiffusionXLVaeEncoderStep::operator()(brick::Components& components, brick::PipelineState& state) {
  auto block_state = get_block_state(state);
  const at::Device device = brick::torch_device(components.device());
  brick::ComponentRef vae = require_component(components, "vae", kVaeEncoder);
  brick::ComponentRef image_processor = require_component(components, "image_processor", kVaeEncoder);
  const at::ScalarType dtype = dtype_from(block_state["dtype"], kVaeEncoder).value_or(component_dtype(vae));

  brick::Value args = brick::Value::dict();
  brick::ValueRef extra = block_state["preprocess_kwargs"];
  if (extra.kind() == BRICK_VALUE_DICT) {
    for (size_t i = 0; i < extra.size(); ++i)
      args.set(extra.key_at(i).c_str(), brick::Value::retain(extra.value_at(i)));
  }
  args.set("image", brick::Value::retain(block_state["image"]))
      .set("height", brick::Value::retain(block_state["height"]))
      .set("width", brick::Value::retain(block_state["width"]));
  at::Tensor image = tensor_result(image_processor.call("preprocess", args), "image_processor.preprocess");
  image = image.to(device, dtype);

  at::Generator generator = generator_from(block_state["generator"], kVaeEncoder);
  at::Tensor latents = encode_vae_image(components, image, generator, kVaeEncoder);
  continue_generator(block_state, generator);
  block_state.set("image_latents", latents);
  set_block_state(state, block_state);
}

// --- StableDiffusionXLInpaintVaeEncoderStep ---------------------------------

std::string StableDiffusionXLInpaintVaeEncoderStep::description() const {
  return "Vae encoder step that prepares the image and mask for the inpainting process";
}

std::vector<brick::ComponentSpec> StableDiffusionXLInpaintVaeEncoderStep::expected_components() const {
  return {specs::vae(), specs::image_processor(), specs::mask_processor()};
}

std::vector<brick::InputParam> StableDiffusionXLInpaintVaeEncoderStep::inputs() const {
  return {brick::InputParam("height"),
          brick::InputParam("width"),
          brick::InputParam("image").set_required(),
          brick::InputParam("mask_image").set_required(),
          brick::InputParam("padding_mask_crop"),
          brick::InputParam("dtype", "dtype", "The dtype of the model inputs"),
          brick::InputParam("generator")};
}

std::vector<brick::OutputParam> StableDiffusionXLInpaintVaeEncoderStep::intermediate_outputs() const {
  return {brick::OutputParam("image_latents", "Tensor", "The latents representation of the input image"),
          brick::OutputParam("mask", "Tensor", "The mask to use for the inpainting process"),
          brick::OutputParam(
              "masked_image_latents", "Tensor",
              "The masked image latents to use for the inpainting process (only for inpainting-specifid unet)"),
          brick::OutputParam("crops_coords", "tuple | NoneType",
                             "The crop coordinates to use for the preprocess/postprocess of the image and mask")};
}

void StableDiffusionXLInpaintVaeEncoderStep::operator()(brick::Components& components, brick::PipelineState& state) {
  auto block_state = get_block_state(state);
  const std::string block = kInpaintVaeEncoder;
  const at::Device device = brick::torch_device(components.device());
  const at::ScalarType dtype =
      dtype_from(block_state["dtype"], block).value_or(component_dtype(require_component(components, "vae", block)));
  // diffusers' default_height / default_width: the unet's sample_size times
  // the vae's scale factor.
  const int64_t default_size = default_sample_size(components, block) * vae_scale_factor(components, block);
  const int64_t height = block_state["height"].is_none() ? default_size : block_state.get<int64_t>("height");
  const int64_t width = block_state["width"].is_none() ? default_size : block_state.get<int64_t>("width");
  // padding_mask_crop crops the image and the mask to the mask's region and
  // pastes the result back (get_crop_region, resize_mode "fill",
  // apply_overlay), which diffusers does on PIL images; not provided.
  if (!block_state["padding_mask_crop"].is_none()) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       block +
                           ": padding_mask_crop is not supported (diffusers crops and pastes PIL images for it); "
                           "pass None (the whole image is inpainted at height x width)");
  }
  brick::Value size = brick::Value::dict()
                          .set("height", brick::Value(height))
                          .set("width", brick::Value(width))
                          .set("resize_mode", brick::Value("default"))
                          .set("crops_coords", brick::Value(nullptr));
  brick::Value image_args = brick::Value::dict().set("image", brick::Value::retain(block_state["image"]));
  brick::Value mask_args = brick::Value::dict().set("image", brick::Value::retain(block_state["mask_image"]));
  for (brick::Value* args : {&image_args, &mask_args}) {
    for (size_t i = 0; i < size.ref().size(); ++i)
      args->set(size.ref().key_at(i).c_str(), brick::Value::retain(size.ref().value_at(i)));
  }
  at::Tensor image =
      tensor_result(require_component(components, "image_processor", block).call("preprocess", image_args),
                    "image_processor.preprocess")
          .to(at::kFloat);
  at::Tensor mask = tensor_result(require_component(components, "mask_processor", block).call("preprocess", mask_args),
                                  "mask_processor.preprocess");
  at::Tensor masked_image = image * at::lt(mask, 0.5);

  const int64_t batch_size = image.size(0);
  at::Generator generator = generator_from(block_state["generator"], block);
  block_state.set("image_latents", encode_vae_image(components, image.to(device, dtype), generator, block));
  MaskLatents prepared =
      prepare_mask_latents(components, mask, masked_image, batch_size, height, width, dtype, device, generator, block);
  continue_generator(block_state, generator);
  block_state.set("mask", prepared.mask);
  block_state.set("masked_image_latents", *prepared.masked_image_latents);
  block_state.set("crops_coords", brick::Value(nullptr));
  set_block_state(state, block_state);
}

// --- StableDiffusionTextEncoderStep -----------------------------------------

std::string StableDiffusionTextEncoderStep::description() const {
  return "Text Encoder step that generate text_embeddings to guide the image generation (Stable Diffusion 1.x/2.x: "
         "one CLIP text encoder, its last hidden state; diffusers' StableDiffusionPipeline.encode_prompt)";
}

std::vector<brick::ComponentSpec> StableDiffusionTextEncoderStep::expected_components() const {
  return {specs::text_encoder(), specs::tokenizer(), specs::guider()};
}

std::vector<brick::InputParam> StableDiffusionTextEncoderStep::inputs() const {
  return {brick::InputParam("prompt", "str | list", "The prompt or prompts to guide the image generation."),
          brick::InputParam("negative_prompt", "str | list",
                            "The prompt or prompts not to guide the image generation (None: the empty prompt)."),
          brick::InputParam("clip_skip", "int",
                            "Number of layers to be skipped from CLIP while computing the prompt embeddings. A value "
                            "of 1 means that the output of the pre-final layer will be used.")};
}

std::vector<brick::OutputParam> StableDiffusionTextEncoderStep::intermediate_outputs() const {
  return {brick::OutputParam("prompt_embeds", "Tensor", "text embeddings used to guide the image generation")
              .with_kwargs_type("denoiser_input_fields"),
          brick::OutputParam("negative_prompt_embeds", "Tensor",
                             "negative text embeddings used to guide the image generation")
              .with_kwargs_type("denoiser_input_fields")};
}

void StableDiffusionTextEncoderStep::operator()(brick::Components& components, brick::PipelineState& state) {
  auto block_state = get_block_state(state);
  const at::Device device = brick::torch_device(components.device());
  std::optional<std::vector<std::string>> prompt = prompt_list(block_state["prompt"], "prompt", kSdTextEncoder);
  if (!prompt) throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, std::string(kSdTextEncoder) + ": `prompt` is None");
  brick::ComponentRef tokenizer = require_component(components, "tokenizer", kSdTextEncoder);
  brick::ComponentRef text_encoder = require_component(components, "text_encoder", kSdTextEncoder);
  const bool prepare_unconditional_embeds =
      require_component(components, "guider", kSdTextEncoder).call("num_conditions").ref().as<int64_t>() > 1;
  const std::optional<int64_t> clip_skip = clip_skip_of(block_state);

  at::Tensor ids = tokenize(tokenizer, *prompt, model_max_length(tokenizer));
  brick::Value out = encode(text_encoder, ids, device);
  at::Tensor prompt_embeds;
  if (!clip_skip) {
    prompt_embeds = out.ref()["last_hidden_state"].as<at::Tensor>();
  } else {
    // hidden_states[-(clip_skip + 1)], then the final layer norm, which the
    // last hidden state has and the others do not.
    at::Tensor hidden = hidden_state(out, -(*clip_skip + 1), kSdTextEncoder);
    brick::Value weights = text_encoder.call("state_dict");
    brick::Value config = text_encoder.call("config");
    brick::ValueRef eps = config.ref()["layer_norm_eps"];
    prompt_embeds = at::layer_norm(
        hidden, {hidden.size(-1)}, weights.ref()["text_model.final_layer_norm.weight"].as<at::Tensor>(),
        weights.ref()["text_model.final_layer_norm.bias"].as<at::Tensor>(), eps.is_none() ? 1e-5 : eps.as<double>());
  }
  const at::ScalarType dtype = component_dtype(text_encoder);
  block_state.set("prompt_embeds", prompt_embeds.to(device, dtype));
  if (prepare_unconditional_embeds) {
    const std::vector<std::string> empty(prompt->size(), "");
    std::vector<std::string> negative =
        negative_list(block_state["negative_prompt"], empty, prompt->size(), "negative_prompt", kSdTextEncoder);
    brick::Value negative_out = encode(text_encoder, tokenize(tokenizer, negative, prompt_embeds.size(1)), device);
    block_state.set("negative_prompt_embeds",
                    negative_out.ref()["last_hidden_state"].as<at::Tensor>().to(device, dtype));
  } else {
    block_state.set("negative_prompt_embeds", brick::Value(nullptr));
  }
  set_block_state(state, block_state);
}

}  // namespace stable_diffusion_xl
