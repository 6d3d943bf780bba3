#include "before_denoise.h"

#include <ATen/TensorOperators.h>
#include <ATen/ops/arange.h>
#include <ATen/ops/cat.h>
#include <ATen/ops/constant_pad_nd.h>
#include <ATen/ops/cos.h>
#include <ATen/ops/exp.h>
#include <ATen/ops/full.h>
#include <ATen/ops/repeat_interleave.h>
#include <ATen/ops/sin.h>
#include <ATen/ops/tensor.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "image_latents.h"
#include "support.h"

namespace stable_diffusion_xl {

namespace {

const std::string kPlugin = "stable_diffusion_xl.";

// The description diffusers gives batch_size where it can come from the input step.
const char* const kBatchSizeFromInput =
    "Number of prompts, the final batch size of model inputs should be batch_size * num_images_per_prompt. Can be "
    "generated in input step.";
const char* const kPooledForShapes =
    "The pooled prompt embeddings to use for the denoising process (used to determine shapes and dtypes for other "
    "additional conditioning inputs). Can be generated in text_encoder step.";
const char* const kLatentsInput =
    "The initial latents to use for the denoising process. Can be generated in prepare_latent step.";
// diffusers' default (0, 0) is a tuple, which brick's JSON values spell as a
// list; kept as the text Python prints so that the doc reads the same, and
// read back by int_pair.
const char* const kOrigin = "(0, 0)";

int64_t num_images_per_prompt(const brick::BlockState& block_state, const std::string& block) {
  const auto n = block_state.get<int64_t>("num_images_per_prompt");
  if (n < 1) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       block + ": num_images_per_prompt must be at least 1, got " + std::to_string(n));
  }
  return n;
}

// The scheduler's schedule (a CPU tensor, the core contract) as doubles.
std::vector<double> host_values(const at::Tensor& t) {
  at::Tensor d = t.to(at::kCPU).to(at::kDouble).contiguous().reshape({-1});
  return std::vector<double>(d.data_ptr<double>(), d.data_ptr<double>() + d.numel());
}

std::optional<std::vector<double>> optional_doubles(brick::ValueRef v) {
  if (v.is_none()) return std::nullopt;
  if (v.is_tensor()) return host_values(v.as<at::Tensor>());
  return v.as<std::vector<double>>();
}

// A float strictly between 0 and 1 (diffusers' denoising_value_valid); an
// int or anything else is ignored, as there.
std::optional<double> denoising_fraction(brick::ValueRef v) {
  if (v.kind() != BRICK_VALUE_FLOAT) return std::nullopt;
  const double d = v.as<double>();
  if (d <= 0.0 || d >= 1.0) return std::nullopt;
  return d;
}

int64_t num_train_timesteps(const brick::Components& components, const std::string& block) {
  brick::Value config = component_config(components, "scheduler", block);
  brick::ValueRef n = config.ref()["num_train_timesteps"];
  return n.is_none() ? 1000 : n.as<int64_t>();
}

// retrieve_timesteps: set_timesteps with the count, or custom timesteps or
// sigmas; returns the schedule and the number of steps.
std::pair<at::Tensor, int64_t> retrieve_timesteps(const brick::Components& components,
                                                  const brick::BlockState& block_state, const std::string& block) {
  brick::ComponentRef scheduler = require_component(components, "scheduler", block);
  std::optional<std::vector<double>> timesteps = optional_doubles(block_state["timesteps"]);
  std::optional<std::vector<double>> sigmas = optional_doubles(block_state["sigmas"]);
  if (timesteps && sigmas) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       block +
                           ": Only one of `timesteps` or `sigmas` can be passed. Please choose one to set custom "
                           "values");
  }
  brick::Value args = brick::Value::dict().set("device", brick::Value(brick::device_name(components.device())));
  int64_t n = 0;
  if (timesteps) {
    args.set("timesteps", brick::Value(*timesteps));
  } else if (sigmas) {
    args.set("sigmas", brick::Value(*sigmas));
  } else {
    n = block_state.get<int64_t>("num_inference_steps");
    args.set("num_inference_steps", brick::Value(n));
  }
  scheduler.call("set_timesteps", args);
  at::Tensor schedule = tensor_result(scheduler.call("timesteps"), "scheduler.timesteps");
  if (timesteps || sigmas) n = schedule.size(0);
  return {schedule, n};
}

// denoising_end: the steps at or above the cut-off timestep.
void apply_denoising_end(const brick::Components& components, const brick::BlockState& block_state,
                         const std::string& block, at::Tensor& timesteps, int64_t& num_inference_steps) {
  std::optional<double> end = denoising_fraction(block_state["denoising_end"]);
  if (!end) return;
  const double total = static_cast<double>(num_train_timesteps(components, block));
  const auto cutoff = static_cast<double>(static_cast<int64_t>(std::nearbyint(total - *end * total)));
  const std::vector<double> values = host_values(timesteps);
  num_inference_steps = std::count_if(values.begin(), values.end(), [&](double t) { return t >= cutoff; });
  timesteps = timesteps.slice(0, 0, num_inference_steps);
}

// LatentConsistencyModelPipeline.get_guidance_scale_embedding.
at::Tensor guidance_scale_embedding(const at::Tensor& w, int64_t embedding_dim, at::ScalarType dtype) {
  const int64_t half_dim = embedding_dim / 2;
  at::Tensor scaled = w * 1000.0;
  const double step = std::log(10000.0) / static_cast<double>(half_dim - 1);
  at::Tensor freqs = at::exp(at::arange(half_dim, at::TensorOptions().dtype(dtype)) * -step);
  at::Tensor emb = scaled.to(dtype).unsqueeze(1) * freqs.unsqueeze(0);
  emb = at::cat({at::sin(emb), at::cos(emb)}, 1);
  if (embedding_dim % 2 == 1) emb = at::constant_pad_nd(emb, {0, 1});
  return emb;
}

// timestep_cond for a UNet with time_cond_proj_dim (LCM): the guider's scale
// minus one, embedded; None otherwise.
brick::Value timestep_cond(const brick::Components& components, const brick::Value& unet_config, int64_t batch,
                           const at::Tensor& latents, const std::string& block) {
  brick::ValueRef dim = unet_config.ref()["time_cond_proj_dim"];
  if (dim.is_none()) return brick::Value(nullptr);
  const double guidance_scale =
      require_component(components, "guider", block).call("guidance_scale").ref().as<double>();
  at::Tensor w = at::full({batch}, guidance_scale - 1.0, at::TensorOptions().dtype(at::kFloat));
  return brick::Value(guidance_scale_embedding(w, dim.as<int64_t>(), at::kFloat).to(latents.device(), latents.dtype()));
}

// The width the UNet's add_embedding takes: linear_1.in_features, which
// diffusers builds from projection_class_embeddings_input_dim.
int64_t expected_add_embed_dim(const brick::Value& unet_config, const std::string& block) {
  brick::ValueRef v = unet_config.ref()["projection_class_embeddings_input_dim"];
  if (v.is_none()) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, block +
                                                       ": the unet has no added time embedding (its config has no "
                                                       "projection_class_embeddings_input_dim): not an SDXL UNet");
  }
  return v.as<int64_t>();
}

int64_t addition_time_embed_dim(const brick::Value& unet_config) {
  brick::ValueRef v = unet_config.ref()["addition_time_embed_dim"];
  return v.is_none() ? 0 : v.as<int64_t>();
}

std::string incorrect_config(int64_t expected, int64_t passed) {
  return "Model expects an added time embedding vector of length " + std::to_string(expected) + ", but a vector of " +
         std::to_string(passed) +
         " was created. The model has an incorrect config. Please check `unet.config.time_embedding_type` and "
         "`text_encoder_2.config.projection_dim`.";
}

at::Tensor time_ids_tensor(const std::vector<double>& values, at::ScalarType dtype) {
  return at::tensor(values, at::TensorOptions().dtype(at::kDouble)).to(dtype).unsqueeze(0);
}

std::vector<double> concat(std::initializer_list<std::vector<double>> parts) {
  std::vector<double> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

std::vector<double> as_doubles(const std::vector<int64_t>& v) { return std::vector<double>(v.begin(), v.end()); }

// The pixel size the latents stand for.
std::vector<double> latent_pixel_size(const at::Tensor& latents, int64_t vae_scale_factor) {
  return {static_cast<double>(latents.size(-2) * vae_scale_factor),
          static_cast<double>(latents.size(-1) * vae_scale_factor)};
}

std::optional<std::vector<double>> size_input(const brick::BlockState& block_state, const char* name,
                                              const std::string& block) {
  std::optional<std::vector<int64_t>> v = int_pair(block_state[name], name, block);
  if (!v) return std::nullopt;
  return as_doubles(*v);
}

}  // namespace

// --- StableDiffusionXLInputStep ---------------------------------------------

std::string StableDiffusionXLInputStep::description() const {
  return "Input processing step that:\n"
         "  1. Determines `batch_size` and `dtype` based on `prompt_embeds`\n"
         "  2. Adjusts input tensor shapes based on `batch_size` (number of prompts) and `num_images_per_prompt`\n\n"
         "All input tensors are expected to have either batch_size=1 or match the batch_size\n"
         "of prompt_embeds. The tensors will be duplicated across the batch dimension to\n"
         "have a final batch_size of batch_size * num_images_per_prompt.";
}

std::vector<brick::ComponentSpec> StableDiffusionXLInputStep::expected_components() const { return {}; }
std::vector<brick::ConfigSpec> StableDiffusionXLInputStep::expected_configs() const { return {}; }

std::vector<brick::InputParam> StableDiffusionXLInputStep::inputs() const {
  return {brick::InputParam("num_images_per_prompt").with_default(1),
          brick::InputParam("prompt_embeds", "Tensor",
                            "Pre-generated text embeddings. Can be generated from text_encoder step.")
              .set_required(),
          brick::InputParam("negative_prompt_embeds", "Tensor",
                            "Pre-generated negative text embeddings. Can be generated from text_encoder step."),
          brick::InputParam("pooled_prompt_embeds", "Tensor",
                            "Pre-generated pooled text embeddings. Can be generated from text_encoder step.")
              .set_required(),
          brick::InputParam("negative_pooled_prompt_embeds", "",
                            "Pre-generated negative pooled text embeddings. Can be generated from text_encoder step."),
          brick::InputParam("ip_adapter_embeds", "list",
                            "Pre-generated image embeddings for IP-Adapter. Can be generated from ip_adapter step."),
          brick::InputParam(
              "negative_ip_adapter_embeds", "list",
              "Pre-generated negative image embeddings for IP-Adapter. Can be generated from ip_adapter step.")};
}

std::vector<brick::OutputParam> StableDiffusionXLInputStep::intermediate_outputs() const {
  return {
      brick::OutputParam("batch_size", "int",
                         "Number of prompts, the final batch size of model inputs should be batch_size * "
                         "num_images_per_prompt"),
      brick::OutputParam("dtype", "dtype", "Data type of model tensor inputs (determined by `prompt_embeds`)"),
      brick::OutputParam("prompt_embeds", "Tensor", "text embeddings used to guide the image generation")
          .with_kwargs_type("denoiser_input_fields"),
      brick::OutputParam("negative_prompt_embeds", "Tensor",
                         "negative text embeddings used to guide the image generation")
          .with_kwargs_type("denoiser_input_fields"),
      brick::OutputParam("pooled_prompt_embeds", "Tensor", "pooled text embeddings used to guide the image generation")
          .with_kwargs_type("denoiser_input_fields"),
      brick::OutputParam("negative_pooled_prompt_embeds", "Tensor",
                         "negative pooled text embeddings used to guide the image generation")
          .with_kwargs_type("denoiser_input_fields"),
      brick::OutputParam("ip_adapter_embeds", "list", "image embeddings for IP-Adapter")
          .with_kwargs_type("denoiser_input_fields"),
      brick::OutputParam("negative_ip_adapter_embeds", "list", "negative image embeddings for IP-Adapter")
          .with_kwargs_type("denoiser_input_fields")};
}

void StableDiffusionXLInputStep::operator()(brick::Components&, brick::PipelineState& state) {
  const std::string block = kPlugin + "StableDiffusionXLInputStep";
  auto block_state = get_block_state(state);
  const int64_t n = num_images_per_prompt(block_state, block);
  at::Tensor prompt_embeds = block_state.get<at::Tensor>("prompt_embeds");
  std::optional<at::Tensor> negative = optional_tensor(block_state, "negative_prompt_embeds");
  std::optional<at::Tensor> pooled = optional_tensor(block_state, "pooled_prompt_embeds");
  std::optional<at::Tensor> negative_pooled = optional_tensor(block_state, "negative_pooled_prompt_embeds");
  if (prompt_embeds.dim() != 3) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, block + ": prompt_embeds must be (batch, tokens, channels), got " +
                                                       std::to_string(prompt_embeds.dim()) + " dimensions");
  }
  if (negative && negative->sizes() != prompt_embeds.sizes()) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       c10::str(block,
                                ": `prompt_embeds` and `negative_prompt_embeds` must have the same shape when "
                                "passed directly, but got: `prompt_embeds` ",
                                prompt_embeds.sizes(), " != `negative_prompt_embeds` ", negative->sizes(), "."));
  }
  if (!pooled) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       block +
                           ": If `prompt_embeds` are provided, `pooled_prompt_embeds` also have to be passed. Make "
                           "sure to generate `pooled_prompt_embeds` from the same text encoder that was used to "
                           "generate `prompt_embeds`.");
  }
  if (negative && !negative_pooled) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       block +
                           ": If `negative_prompt_embeds` are provided, `negative_pooled_prompt_embeds` also have "
                           "to be passed. Make sure to generate `negative_pooled_prompt_embeds` from the same text "
                           "encoder that was used to generate `negative_prompt_embeds`.");
  }
  block_state.set("batch_size", prompt_embeds.size(0));
  block_state.set("dtype", dtype_name(prompt_embeds.scalar_type()));
  // repeat(1, n, 1).view(batch * n, ...): each prompt's copies together.
  block_state.set("prompt_embeds", at::repeat_interleave(prompt_embeds, n, 0));
  if (negative) block_state.set("negative_prompt_embeds", at::repeat_interleave(*negative, n, 0));
  block_state.set("pooled_prompt_embeds", at::repeat_interleave(pooled->reshape({pooled->size(0), -1}), n, 0));
  if (negative_pooled) {
    block_state.set("negative_pooled_prompt_embeds",
                    at::repeat_interleave(negative_pooled->reshape({negative_pooled->size(0), -1}), n, 0));
  }
  // IP-Adapter embeddings: each tensor of the list repeated whole n times.
  for (const char* name : {"ip_adapter_embeds", "negative_ip_adapter_embeds"}) {
    brick::ValueRef list = block_state[name];
    if (list.is_none()) continue;
    if (list.kind() != BRICK_VALUE_LIST) {
      throw brick::Error(BRICK_ERR_TYPE_MISMATCH, block + ": `" + name + "` must be a list");
    }
    brick::Value repeated = brick::Value::list();
    for (size_t i = 0; i < list.size(); ++i) {
      at::Tensor t = list[i].as<at::Tensor>();
      std::vector<int64_t> repeats(static_cast<size_t>(t.dim()), 1);
      repeats[0] = n;
      repeated.append(brick::Value(t.repeat(repeats)));
    }
    block_state.set(name, std::move(repeated));
  }
  set_block_state(state, block_state);
}

// --- StableDiffusionXLSetTimestepsStep --------------------------------------

std::string StableDiffusionXLSetTimestepsStep::description() const {
  return "Step that sets the scheduler's timesteps for inference";
}

std::vector<brick::ComponentSpec> StableDiffusionXLSetTimestepsStep::expected_components() const {
  return {specs::scheduler()};
}
std::vector<brick::ConfigSpec> StableDiffusionXLSetTimestepsStep::expected_configs() const { return {}; }

std::vector<brick::InputParam> StableDiffusionXLSetTimestepsStep::inputs() const {
  return {brick::InputParam("num_inference_steps").with_default(50), brick::InputParam("timesteps"),
          brick::InputParam("sigmas"), brick::InputParam("denoising_end")};
}

std::vector<brick::OutputParam> StableDiffusionXLSetTimestepsStep::intermediate_outputs() const {
  return {
      brick::OutputParam("timesteps", "Tensor", "The timesteps to use for inference"),
      brick::OutputParam("num_inference_steps", "int", "The number of denoising steps to perform at inference time")};
}

void StableDiffusionXLSetTimestepsStep::operator()(brick::Components& components, brick::PipelineState& state) {
  const std::string block = kPlugin + "StableDiffusionXLSetTimestepsStep";
  auto block_state = get_block_state(state);
  auto [timesteps, n] = retrieve_timesteps(components, block_state, block);
  apply_denoising_end(components, block_state, block, timesteps, n);
  block_state.set("timesteps", timesteps);
  block_state.set("num_inference_steps", n);
  set_block_state(state, block_state);
}

// --- StableDiffusionXLImg2ImgSetTimestepsStep -------------------------------

std::string StableDiffusionXLImg2ImgSetTimestepsStep::description() const {
  return "Step that sets the timesteps for the scheduler and determines the initial noise level (latent_timestep) "
         "for image-to-image/inpainting generation.\n"
         "The latent_timestep is calculated from the `strength` parameter - higher strength means starting from a "
         "noisier version of the input image.";
}

std::vector<brick::ComponentSpec> StableDiffusionXLImg2ImgSetTimestepsStep::expected_components() const {
  return {specs::scheduler()};
}
std::vector<brick::ConfigSpec> StableDiffusionXLImg2ImgSetTimestepsStep::expected_configs() const { return {}; }

std::vector<brick::InputParam> StableDiffusionXLImg2ImgSetTimestepsStep::inputs() const {
  return {brick::InputParam("num_inference_steps").with_default(50),
          brick::InputParam("timesteps"),
          brick::InputParam("sigmas"),
          brick::InputParam("denoising_end"),
          brick::InputParam("strength").with_default(0.3),
          brick::InputParam("denoising_start"),
          brick::InputParam("num_images_per_prompt").with_default(1),
          brick::InputParam("batch_size", "int",
                            "Number of prompts, the final batch size of model inputs should be batch_size * "
                            "num_images_per_prompt")
              .set_required()};
}

std::vector<brick::OutputParam> StableDiffusionXLImg2ImgSetTimestepsStep::intermediate_outputs() const {
  return {
      brick::OutputParam("timesteps", "Tensor", "The timesteps to use for inference"),
      brick::OutputParam("num_inference_steps", "int", "The number of denoising steps to perform at inference time"),
      brick::OutputParam("latent_timestep", "Tensor",
                         "The timestep that represents the initial noise level for image-to-image generation")};
}

void StableDiffusionXLImg2ImgSetTimestepsStep::operator()(brick::Components& components, brick::PipelineState& state) {
  const std::string block = kPlugin + "StableDiffusionXLImg2ImgSetTimestepsStep";
  auto block_state = get_block_state(state);
  brick::ComponentRef scheduler = require_component(components, "scheduler", block);
  auto [all, n] = retrieve_timesteps(components, block_state, block);
  const int64_t order = scheduler.call("order").ref().as<int64_t>();

  // get_timesteps: cut by strength, or by denoising_start when it is a
  // fraction (the strength is then irrelevant).
  at::Tensor timesteps;
  std::optional<double> start = denoising_fraction(block_state["denoising_start"]);
  if (!start) {
    const double strength = block_state.get<double>("strength");
    if (strength < 0.0 || strength > 1.0) {
      throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                         c10::str(block, ": The value of strength should in [0.0, 1.0] but is ", strength));
    }
    const int64_t init_timestep = std::min(static_cast<int64_t>(static_cast<double>(n) * strength), n);
    const int64_t t_start = std::max<int64_t>(n - init_timestep, 0);
    timesteps = all.slice(0, t_start * order);
    scheduler.call("set_begin_index", brick::Value::dict().set("begin_index", brick::Value(t_start * order)));
    n = n - t_start;
  } else {
    const double total = static_cast<double>(num_train_timesteps(components, block));
    const auto cutoff = static_cast<double>(static_cast<int64_t>(std::nearbyint(total - *start * total)));
    const std::vector<double> values = host_values(all);
    n = std::count_if(values.begin(), values.end(), [&](double t) { return t < cutoff; });
    // A second-order scheduler must not stop between its two derivatives.
    if (order == 2 && n % 2 == 0) n += 1;
    const int64_t t_start = all.size(0) - n;
    timesteps = all.slice(0, t_start);
    scheduler.call("set_begin_index", brick::Value::dict().set("begin_index", brick::Value(t_start)));
  }
  if (timesteps.size(0) < 1) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       block + ": after the cut by strength / denoising_start no denoising step is left");
  }
  const int64_t batch = block_state.get<int64_t>("batch_size") * num_images_per_prompt(block_state, block);
  block_state.set("latent_timestep", timesteps.slice(0, 0, 1).repeat({batch}));
  apply_denoising_end(components, block_state, block, timesteps, n);
  block_state.set("timesteps", timesteps);
  block_state.set("num_inference_steps", n);
  set_block_state(state, block_state);
}

// --- StableDiffusionXLPrepareLatentsStep ------------------------------------

std::string StableDiffusionXLPrepareLatentsStep::description() const {
  return "Prepare latents step that prepares the latents for the text-to-image generation process";
}

std::vector<brick::ComponentSpec> StableDiffusionXLPrepareLatentsStep::expected_components() const {
  return {specs::scheduler(), specs::vae()};
}
std::vector<brick::ConfigSpec> StableDiffusionXLPrepareLatentsStep::expected_configs() const { return {}; }

std::vector<brick::InputParam> StableDiffusionXLPrepareLatentsStep::inputs() const {
  return {brick::InputParam("height"),
          brick::InputParam("width"),
          brick::InputParam("latents"),
          brick::InputParam("num_images_per_prompt").with_default(1),
          brick::InputParam("generator"),
          brick::InputParam("batch_size", "int", kBatchSizeFromInput).set_required(),
          brick::InputParam("dtype", "dtype", "The dtype of the model inputs")};
}

std::vector<brick::OutputParam> StableDiffusionXLPrepareLatentsStep::intermediate_outputs() const {
  return {brick::OutputParam("latents", "Tensor", "The initial latents to use for the denoising process")};
}

void StableDiffusionXLPrepareLatentsStep::operator()(brick::Components& components, brick::PipelineState& state) {
  const std::string block = kPlugin + "StableDiffusionXLPrepareLatentsStep";
  auto block_state = get_block_state(state);
  const at::Device device = brick::torch_device(components.device());
  brick::ComponentRef scheduler = require_component(components, "scheduler", block);
  const bool has_vae = !components.get("vae").is_none();
  const at::ScalarType dtype =
      dtype_from(block_state["dtype"], block).value_or(has_vae ? component_dtype(components.get("vae")) : at::kFloat);
  const int64_t scale = vae_scale_factor(components, block);
  std::optional<int64_t> height = block_state.get<std::optional<int64_t>>("height");
  std::optional<int64_t> width = block_state.get<std::optional<int64_t>>("width");
  if ((height && *height % scale != 0) || (width && *width % scale != 0)) {
    throw brick::Error(
        BRICK_ERR_INVALID_ARGUMENT,
        c10::str(block, ": `height` and `width` have to be divisible by ", scale, " but are ",
                 height ? std::to_string(*height) : "None", " and ", width ? std::to_string(*width) : "None", "."));
  }
  const int64_t num_channels_latents = stable_diffusion_xl::num_channels_latents(components, block);
  const int64_t h = height.value_or(default_sample_size(components, block) * scale);
  const int64_t w = width.value_or(default_sample_size(components, block) * scale);
  const int64_t batch = block_state.get<int64_t>("batch_size") * num_images_per_prompt(block_state, block);

  at::Tensor latents;
  if (std::optional<at::Tensor> given = optional_tensor(block_state, "latents")) {
    latents = given->to(device);
  } else {
    at::Generator generator = generator_from(block_state["generator"], block);
    latents = randn_tensor({batch, num_channels_latents, h / scale, w / scale}, generator, dtype, device);
    continue_generator(block_state, generator);
  }
  const double init_noise_sigma = scheduler.call("init_noise_sigma").ref().as<double>();
  block_state.set("latents", latents * init_noise_sigma);
  set_block_state(state, block_state);
}

// --- StableDiffusionXLImg2ImgPrepareLatentsStep -----------------------------

std::string StableDiffusionXLImg2ImgPrepareLatentsStep::description() const {
  return "Step that prepares the latents for the image-to-image generation process";
}

std::vector<brick::ComponentSpec> StableDiffusionXLImg2ImgPrepareLatentsStep::expected_components() const {
  return {specs::vae(), specs::scheduler()};
}
std::vector<brick::ConfigSpec> StableDiffusionXLImg2ImgPrepareLatentsStep::expected_configs() const { return {}; }

std::vector<brick::InputParam> StableDiffusionXLImg2ImgPrepareLatentsStep::inputs() const {
  return {brick::InputParam("latents"),
          brick::InputParam("num_images_per_prompt").with_default(1),
          brick::InputParam("denoising_start"),
          brick::InputParam("generator"),
          brick::InputParam("latent_timestep", "Tensor",
                            "The timestep that represents the initial noise level for image-to-image/inpainting "
                            "generation. Can be generated in set_timesteps step.")
              .set_required(),
          brick::InputParam("image_latents", "Tensor",
                            "The latents representing the reference image for image-to-image/inpainting generation. "
                            "Can be generated in vae_encode step.")
              .set_required(),
          brick::InputParam("batch_size", "int", kBatchSizeFromInput).set_required(),
          brick::InputParam("dtype", "dtype", "The dtype of the model inputs").set_required()};
}

std::vector<brick::OutputParam> StableDiffusionXLImg2ImgPrepareLatentsStep::intermediate_outputs() const {
  return {brick::OutputParam("latents", "Tensor", "The initial latents to use for the denoising process")};
}

void StableDiffusionXLImg2ImgPrepareLatentsStep::operator()(brick::Components& components,
                                                            brick::PipelineState& state) {
  const std::string block = kPlugin + "StableDiffusionXLImg2ImgPrepareLatentsStep";
  auto block_state = get_block_state(state);
  if (!block_state["latents"].is_none()) {
    set_block_state(state, block_state);
    return;
  }
  const at::Device device = brick::torch_device(components.device());
  const at::ScalarType dtype =
      dtype_from(block_state["dtype"], block).value_or(component_dtype(require_component(components, "vae", block)));
  // prepare_latents_img2img with image latents (the vae encoder step's
  // output, already scaled): repeated whole to the batch, then noised to
  // latent_timestep unless denoising_start is given.
  at::Tensor init_latents = block_state.get<at::Tensor>("image_latents").to(device, dtype);
  const int64_t batch = block_state.get<int64_t>("batch_size") * num_images_per_prompt(block_state, block);
  const int64_t images = init_latents.size(0);
  if (batch > images) {
    if (batch % images != 0) {
      throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, c10::str(block, ": Cannot duplicate `image` of batch size ",
                                                              images, " to ", batch, " text prompts."));
    }
    std::vector<int64_t> repeats(static_cast<size_t>(init_latents.dim()), 1);
    repeats[0] = batch / images;
    init_latents = init_latents.repeat(repeats);
  }
  if (block_state["denoising_start"].is_none()) {
    at::Generator generator = generator_from(block_state["generator"], block);
    at::Tensor noise = randn_tensor(init_latents.sizes(), generator, dtype, device);
    continue_generator(block_state, generator);
    at::Tensor latent_timestep = block_state.get<at::Tensor>("latent_timestep");
    brick::Value noised = require_component(components, "scheduler", block)
                              .call("add_noise", brick::Value::dict()
                                                     .set("original_samples", brick::Value(init_latents))
                                                     .set("noise", brick::Value(noise))
                                                     .set("timestep", brick::Value(latent_timestep.slice(0, 0, 1))));
    init_latents = tensor_result(noised, "scheduler.add_noise");
  }
  block_state.set("latents", init_latents);
  set_block_state(state, block_state);
}

// --- StableDiffusionXLInpaintPrepareLatentsStep -----------------------------

std::string StableDiffusionXLInpaintPrepareLatentsStep::description() const {
  return "Step that prepares the latents for the inpainting process";
}

std::vector<brick::ComponentSpec> StableDiffusionXLInpaintPrepareLatentsStep::expected_components() const {
  return {specs::scheduler()};
}
std::vector<brick::ConfigSpec> StableDiffusionXLInpaintPrepareLatentsStep::expected_configs() const { return {}; }

std::vector<brick::InputParam> StableDiffusionXLInpaintPrepareLatentsStep::inputs() const {
  return {
      brick::InputParam("latents"),
      brick::InputParam("num_images_per_prompt").with_default(1),
      brick::InputParam("denoising_start"),
      brick::InputParam(
          "strength", "",
          "Conceptually, indicates how much to transform the reference `image` (the masked portion of image for "
          "inpainting). Must be between 0 and 1. `image` will be used as a starting point, adding more noise to it "
          "the larger the `strength`. The number of denoising steps depends on the amount of noise initially added. "
          "When `strength` is 1, added noise will be maximum and the denoising process will run for the full number "
          "of iterations specified in `num_inference_steps`. A value of 1, therefore, essentially ignores `image`. "
          "Note that in the case of `denoising_start` being declared as an integer, the value of `strength` will be "
          "ignored.")
          .with_default(0.9999),
      brick::InputParam("generator"),
      brick::InputParam("batch_size", "int", kBatchSizeFromInput).set_required(),
      brick::InputParam("latent_timestep", "Tensor",
                        "The timestep that represents the initial noise level for image-to-image/inpainting "
                        "generation. Can be generated in set_timesteps step.")
          .set_required(),
      brick::InputParam("image_latents", "Tensor",
                        "The latents representing the reference image for image-to-image/inpainting generation. "
                        "Can be generated in vae_encode step.")
          .set_required(),
      brick::InputParam("mask", "Tensor",
                        "The mask for the inpainting generation. Can be generated in vae_encode step.")
          .set_required(),
      brick::InputParam("masked_image_latents", "Tensor",
                        "The masked image latents for the inpainting generation (only for inpainting-specific unet). "
                        "Can be generated in vae_encode step."),
      brick::InputParam("dtype", "dtype", "The dtype of the model inputs")};
}

std::vector<brick::OutputParam> StableDiffusionXLInpaintPrepareLatentsStep::intermediate_outputs() const {
  return {
      brick::OutputParam("latents", "Tensor", "The initial latents to use for the denoising process"),
      brick::OutputParam("noise", "Tensor", "The noise added to the image latents, used for inpainting generation")};
}

void StableDiffusionXLInpaintPrepareLatentsStep::operator()(brick::Components& components,
                                                            brick::PipelineState& state) {
  const std::string block = kPlugin + "StableDiffusionXLInpaintPrepareLatentsStep";
  auto block_state = get_block_state(state);
  const at::Device device = brick::torch_device(components.device());
  const bool has_vae = !components.get("vae").is_none();
  const at::ScalarType dtype =
      dtype_from(block_state["dtype"], block).value_or(has_vae ? component_dtype(components.get("vae")) : at::kFloat);
  brick::ComponentRef scheduler = require_component(components, "scheduler", block);
  const bool is_strength_max = block_state.get<double>("strength") == 1.0;
  // A UNet that is not inpainting-specific (4 channels) takes no masked image latents.
  std::optional<at::Tensor> masked_image_latents = optional_tensor(block_state, "masked_image_latents");
  if (!components.get("unet").is_none() && num_channels_unet(components, block) == 4) masked_image_latents.reset();
  const bool add_noise = block_state["denoising_start"].is_none();
  const int64_t scale = vae_scale_factor(components, block);
  at::Tensor image = block_state.get<at::Tensor>("image_latents");
  const int64_t height = image.size(-2) * scale;
  const int64_t width = image.size(-1) * scale;
  const int64_t batch = block_state.get<int64_t>("batch_size") * num_images_per_prompt(block_state, block);

  // prepare_latents_inpaint with the vae encoder step's image latents.
  if (image.dim() != 4 || image.size(1) != 4) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       c10::str(block,
                                ": image_latents must be 4-channel latents (N, 4, h, w) (the vae encoder "
                                "step's), got shape ",
                                image.sizes()));
  }
  if (batch % image.size(0) != 0) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, c10::str(block, ": Cannot duplicate `image_latents` of batch size ",
                                                            image.size(0), " to ", batch, " images."));
  }
  at::Tensor image_latents = image.to(device, dtype).repeat({batch / image.size(0), 1, 1, 1});
  const std::vector<int64_t> shape = {batch, num_channels_latents(components, block), height / scale, width / scale};
  at::Generator generator = generator_from(block_state["generator"], block);
  std::optional<at::Tensor> given = optional_tensor(block_state, "latents");
  at::Tensor latents;
  at::Tensor noise;
  const double init_noise_sigma = scheduler.call("init_noise_sigma").ref().as<double>();
  if (!given && add_noise) {
    noise = randn_tensor(shape, generator, dtype, device);
    if (is_strength_max) {
      // Pure noise, scaled by the scheduler's initial sigma.
      latents = noise * init_noise_sigma;
    } else {
      at::Tensor latent_timestep = block_state.get<at::Tensor>("latent_timestep");
      latents =
          tensor_result(scheduler.call("add_noise", brick::Value::dict()
                                                        .set("original_samples", brick::Value(image_latents))
                                                        .set("noise", brick::Value(noise))
                                                        .set("timestep", brick::Value(latent_timestep.slice(0, 0, 1)))),
                        "scheduler.add_noise");
    }
  } else if (add_noise) {
    noise = given->to(device);
    latents = noise * init_noise_sigma;
  } else {
    noise = randn_tensor(shape, generator, dtype, device);
    latents = image_latents;
  }
  MaskLatents prepared = prepare_mask_latents(components, block_state.get<at::Tensor>("mask"), masked_image_latents,
                                              batch, height, width, dtype, device, generator, block);
  continue_generator(block_state, generator);
  block_state.set("latents", latents);
  block_state.set("noise", noise);
  block_state.set("image_latents", image_latents);
  block_state.set("mask", prepared.mask);
  if (prepared.masked_image_latents) {
    block_state.set("masked_image_latents", *prepared.masked_image_latents);
  } else {
    block_state.set("masked_image_latents", brick::Value(nullptr));
  }
  set_block_state(state, block_state);
}

// --- StableDiffusionXLPrepareAdditionalConditioningStep ---------------------

namespace {

std::vector<brick::InputParam> size_inputs() {
  return {brick::InputParam("original_size"),
          brick::InputParam("target_size"),
          brick::InputParam("negative_original_size"),
          brick::InputParam("negative_target_size"),
          brick::InputParam("crops_coords_top_left").with_default(std::string(kOrigin)),
          brick::InputParam("negative_crops_coords_top_left").with_default(std::string(kOrigin)),
          brick::InputParam("num_images_per_prompt").with_default(1)};
}

std::vector<brick::InputParam> conditioning_tail() {
  return {brick::InputParam("latents", "Tensor", kLatentsInput).set_required(),
          brick::InputParam("pooled_prompt_embeds", "Tensor", kPooledForShapes).set_required(),
          brick::InputParam("batch_size", "int", kBatchSizeFromInput).set_required()};
}

std::vector<brick::OutputParam> conditioning_outputs() {
  return {
      brick::OutputParam("add_time_ids", "Tensor", "The time ids to condition the denoising process")
          .with_kwargs_type("denoiser_input_fields"),
      brick::OutputParam("negative_add_time_ids", "Tensor", "The negative time ids to condition the denoising process")
          .with_kwargs_type("denoiser_input_fields"),
      brick::OutputParam("timestep_cond", "Tensor", "The timestep cond to use for LCM")};
}

}  // namespace

std::string StableDiffusionXLPrepareAdditionalConditioningStep::description() const {
  return "Step that prepares the additional conditioning for the text-to-image generation process";
}

std::vector<brick::ComponentSpec> StableDiffusionXLPrepareAdditionalConditioningStep::expected_components() const {
  return {specs::unet(), specs::guider()};
}
std::vector<brick::ConfigSpec> StableDiffusionXLPrepareAdditionalConditioningStep::expected_configs() const {
  return {};
}

std::vector<brick::InputParam> StableDiffusionXLPrepareAdditionalConditioningStep::inputs() const {
  std::vector<brick::InputParam> out = size_inputs();
  for (brick::InputParam& p : conditioning_tail()) out.push_back(std::move(p));
  return out;
}

std::vector<brick::OutputParam> StableDiffusionXLPrepareAdditionalConditioningStep::intermediate_outputs() const {
  return conditioning_outputs();
}

void StableDiffusionXLPrepareAdditionalConditioningStep::operator()(brick::Components& components,
                                                                    brick::PipelineState& state) {
  const std::string block = kPlugin + "StableDiffusionXLPrepareAdditionalConditioningStep";
  auto block_state = get_block_state(state);
  const at::Device device = brick::torch_device(components.device());
  at::Tensor latents = block_state.get<at::Tensor>("latents");
  at::Tensor pooled = block_state.get<at::Tensor>("pooled_prompt_embeds");
  brick::Value unet_config = component_config(components, "unet", block);
  const std::vector<double> size = latent_pixel_size(latents, vae_scale_factor(components, block));
  const std::vector<double> original = size_input(block_state, "original_size", block).value_or(size);
  const std::vector<double> target = size_input(block_state, "target_size", block).value_or(size);
  const std::vector<double> crops = *size_input(block_state, "crops_coords_top_left", block);
  const int64_t projection_dim = pooled.size(-1);
  const int64_t expected = expected_add_embed_dim(unet_config, block);

  auto add_time_ids = [&](const std::vector<double>& o, const std::vector<double>& c, const std::vector<double>& t) {
    std::vector<double> ids = concat({o, c, t});
    const int64_t passed = addition_time_embed_dim(unet_config) * static_cast<int64_t>(ids.size()) + projection_dim;
    if (expected != passed)
      throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, block + ": " + incorrect_config(expected, passed));
    return time_ids_tensor(ids, pooled.scalar_type());
  };
  at::Tensor ids = add_time_ids(original, crops, target);
  std::optional<std::vector<double>> negative_original = size_input(block_state, "negative_original_size", block);
  std::optional<std::vector<double>> negative_target = size_input(block_state, "negative_target_size", block);
  at::Tensor negative_ids =
      negative_original && negative_target
          ? add_time_ids(*negative_original, *size_input(block_state, "negative_crops_coords_top_left", block),
                         *negative_target)
          : ids;
  const int64_t batch = block_state.get<int64_t>("batch_size") * num_images_per_prompt(block_state, block);
  block_state.set("add_time_ids", ids.repeat({batch, 1}).to(device));
  block_state.set("negative_add_time_ids", negative_ids.repeat({batch, 1}).to(device));
  block_state.set("timestep_cond", timestep_cond(components, unet_config, batch, latents, block));
  set_block_state(state, block_state);
}

// --- StableDiffusionXLImg2ImgPrepareAdditionalConditioningStep --------------

std::string StableDiffusionXLImg2ImgPrepareAdditionalConditioningStep::description() const {
  return "Step that prepares the additional conditioning for the image-to-image/inpainting generation process";
}

std::vector<brick::ComponentSpec> StableDiffusionXLImg2ImgPrepareAdditionalConditioningStep::expected_components()
    const {
  return {specs::unet(), specs::guider()};
}

std::vector<brick::ConfigSpec> StableDiffusionXLImg2ImgPrepareAdditionalConditioningStep::expected_configs() const {
  return {brick::ConfigSpec("requires_aesthetics_score", false)};
}

std::vector<brick::InputParam> StableDiffusionXLImg2ImgPrepareAdditionalConditioningStep::inputs() const {
  std::vector<brick::InputParam> out = size_inputs();
  out.push_back(brick::InputParam("aesthetic_score").with_default(6.0));
  out.push_back(brick::InputParam("negative_aesthetic_score").with_default(2.0));
  for (brick::InputParam& p : conditioning_tail()) out.push_back(std::move(p));
  return out;
}

std::vector<brick::OutputParam> StableDiffusionXLImg2ImgPrepareAdditionalConditioningStep::intermediate_outputs()
    const {
  return conditioning_outputs();
}

void StableDiffusionXLImg2ImgPrepareAdditionalConditioningStep::operator()(brick::Components& components,
                                                                           brick::PipelineState& state) {
  const std::string block = kPlugin + "StableDiffusionXLImg2ImgPrepareAdditionalConditioningStep";
  auto block_state = get_block_state(state);
  const at::Device device = brick::torch_device(components.device());
  at::Tensor latents = block_state.get<at::Tensor>("latents");
  at::Tensor pooled = block_state.get<at::Tensor>("pooled_prompt_embeds");
  brick::Value unet_config = component_config(components, "unet", block);
  const std::vector<double> size = latent_pixel_size(latents, vae_scale_factor(components, block));
  const std::vector<double> original = size_input(block_state, "original_size", block).value_or(size);
  const std::vector<double> target = size_input(block_state, "target_size", block).value_or(size);
  const std::vector<double> negative_original =
      size_input(block_state, "negative_original_size", block).value_or(original);
  const std::vector<double> negative_target = size_input(block_state, "negative_target_size", block).value_or(target);
  const std::vector<double> crops = *size_input(block_state, "crops_coords_top_left", block);
  const std::vector<double> negative_crops = *size_input(block_state, "negative_crops_coords_top_left", block);
  const double aesthetic = block_state.get<double>("aesthetic_score");
  const double negative_aesthetic = block_state.get<double>("negative_aesthetic_score");
  brick::ValueRef requires_score = components.config("requires_aesthetics_score");

  std::vector<double> ids;
  std::vector<double> negative_ids;
  if (!requires_score.is_none() && requires_score.as<bool>()) {
    ids = concat({original, crops, {aesthetic}});
    negative_ids = concat({negative_original, negative_crops, {negative_aesthetic}});
  } else {
    // diffusers pairs the negative sizes with crops_coords_top_left here.
    ids = concat({original, crops, target});
    negative_ids = concat({negative_original, crops, negative_target});
  }
  const int64_t time_dim = addition_time_embed_dim(unet_config);
  const int64_t passed = time_dim * static_cast<int64_t>(ids.size()) + pooled.size(-1);
  const int64_t expected = expected_add_embed_dim(unet_config, block);
  if (expected > passed && expected - passed == time_dim) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       c10::str(block, ": Model expects an added time embedding vector of length ", expected,
                                ", but a vector of ", passed,
                                " was created. Please make sure to enable `requires_aesthetics_score` with "
                                "`pipe.register_to_config(requires_aesthetics_score=True)` to make sure "
                                "`aesthetic_score` ",
                                aesthetic, " and `negative_aesthetic_score` ", negative_aesthetic,
                                " is correctly used by the model."));
  }
  if (expected < passed && passed - expected == time_dim) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       c10::str(block, ": Model expects an added time embedding vector of length ", expected,
                                ", but a vector of ", passed,
                                " was created. Please make sure to disable `requires_aesthetics_score` with "
                                "`pipe.register_to_config(requires_aesthetics_score=False)` to make sure "
                                "`target_size` is correctly used by the model."));
  }
  if (expected != passed)
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, block + ": " + incorrect_config(expected, passed));
  const int64_t batch = block_state.get<int64_t>("batch_size") * num_images_per_prompt(block_state, block);
  block_state.set("add_time_ids", time_ids_tensor(ids, pooled.scalar_type()).repeat({batch, 1}).to(device));
  block_state.set("negative_add_time_ids",
                  time_ids_tensor(negative_ids, pooled.scalar_type()).repeat({batch, 1}).to(device));
  block_state.set("timestep_cond", timestep_cond(components, unet_config, batch, latents, block));
  set_block_state(state, block_state);
}

}  // namespace stable_diffusion_xl
