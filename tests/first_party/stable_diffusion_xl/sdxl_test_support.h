// The stable_diffusion_xl suite's common ground: one host with the plugins a
// Stable Diffusion pipeline needs (core, image, transformers, diffusers,
// stable_diffusion_xl), the fixtures real diffusers gave
// (make_doc_fixtures.py, ../diffusers/make_fixtures.py), and tiny Stable
// Diffusion folders laid out as diffusers saves them, made by the test.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "../model_test_support.h"
#include "brick/host/components/component_types.h"
#include "brick/host/components/safetensors.h"
#include "brick/host/loader/host.h"
#include "brick/host/params/component_spec.h"
#include "brick/host/value/json.h"
#include "brick/host/value/object.h"
#include "brick/host/value/value.h"

namespace sdxl_test {

namespace fs = std::filesystem;
using brick::host::Object;
using brick::host::Value;
using model_test::call;
using model_test::max_difference;
using model_test::TempDir;
using model_test::tensor;

inline const fs::path kFixtures = SDXL_FIXTURES;
inline const fs::path kDiffusersFixtures = DIFFUSERS_FIXTURES;
inline const fs::path kTransformersFixtures = TRANSFORMERS_FIXTURES;
inline const fs::path kPlugins = std::string(BRICK_BINARY_DIR) + "/lib/brick/plugins";

// Never destroyed: plugins stay resident.
inline brick::host::Host& host() {
  static brick::host::Host* h = [] {
    auto* made = new brick::host::Host();
    for (const char* name : {"core", "image", "transformers", "diffusers", "stable_diffusion_xl"}) {
      made->load_plugin(kPlugins / (std::string(name) + ".so"));
    }
    return made;
  }();
  return *h;
}

inline std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_text(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// A component made from a config by its type hint (random weights for a model).
inline std::shared_ptr<Object> create(const std::string& type_hint, const std::string& config_json) {
  brick::host::ComponentSpec spec;
  spec.name = "component";
  spec.type_hint = type_hint;
  spec.config = brick::host::parse_json(config_json);
  spec.default_creation_method = brick::host::CreationMethod::FromConfig;
  return host().component_types()->create(spec);
}

// A folder as save_pretrained writes it: config.json and the weights.
inline void save(const std::shared_ptr<Object>& model, const std::string& config_json, const fs::path& folder,
                 const std::string& weights_name) {
  fs::create_directories(folder);
  write_text(folder / "config.json", config_json);
  Value state_dict = call(model, "state_dict");
  brick::host::write_safetensors(folder / weights_name, state_dict.as_dict());
}

inline void copy_folder(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  for (const auto& entry : fs::directory_iterator(from)) fs::copy_file(entry.path(), to / entry.path().filename());
}

// A CLIP text encoder whose width matches the tiny UNets' cross_attention_dim
// (8), on the real CLIP vocabulary (the tokenizer fixture), 77 positions.
inline std::string text_encoder_config(const std::string& architecture, int hidden_size) {
  return R"({"architectures": [")" + architecture + R"("], "model_type": "clip_text_model", "hidden_size": )" +
         std::to_string(hidden_size) + R"(, "intermediate_size": 16, "num_hidden_layers": 3,
  "num_attention_heads": 2, "max_position_embeddings": 77, "vocab_size": 49408, "hidden_act": "quick_gelu",
  "layer_norm_eps": 1e-05, "bos_token_id": 49406, "eos_token_id": 49407, "pad_token_id": 1, "projection_dim": 8,
  "torch_dtype": "float32"})";
}

// The scheduler a Stable Diffusion 1.5 folder has (PNDM, which brick reads
// with its Euler scheduler: the pipeline files name the type).
inline const char* const kSchedulerConfig = R"({"_class_name": "PNDMScheduler", "beta_end": 0.012,
  "beta_schedule": "scaled_linear", "beta_start": 0.00085, "num_train_timesteps": 1000, "set_alpha_to_one": false,
  "skip_prk_steps": true, "steps_offset": 1, "timestep_spacing": "leading", "trained_betas": null})";

// A tiny Stable Diffusion 1.x folder: model_index.json as diffusers writes it
// for StableDiffusionPipeline (safety checker and feature extractor named but
// absent, as in folders saved without them), the diffusers fixtures' SD1 UNet
// and vae, a random CLIP text encoder and the real CLIP tokenizer files.
inline void write_tiny_sd1(const fs::path& dir) {
  write_text(dir / "model_index.json", R"({"_class_name": "StableDiffusionPipeline", "_diffusers_version": "0.30.0",
  "feature_extractor": [null, null], "requires_safety_checker": false, "safety_checker": [null, null],
  "scheduler": ["diffusers", "PNDMScheduler"], "text_encoder": ["transformers", "CLIPTextModel"],
  "tokenizer": ["transformers", "CLIPTokenizer"], "unet": ["diffusers", "UNet2DConditionModel"],
  "vae": ["diffusers", "AutoencoderKL"]})");
  write_text(dir / "scheduler" / "scheduler_config.json", kSchedulerConfig);
  copy_folder(kDiffusersFixtures / "models" / "sd1_unet", dir / "unet");
  copy_folder(kDiffusersFixtures / "models" / "vae", dir / "vae");
  copy_folder(kTransformersFixtures / "clip_tokenizer", dir / "tokenizer");
  const std::string config = text_encoder_config("CLIPTextModel", 8);
  save(create("transformers.CLIPTextModel", config), config, dir / "text_encoder", "model.safetensors");
}

// The scheduler an SDXL folder has.
inline const char* const kSdxlSchedulerConfig = R"({"_class_name": "EulerDiscreteScheduler", "beta_end": 0.012,
  "beta_schedule": "scaled_linear", "beta_start": 0.00085, "interpolation_type": "linear",
  "num_train_timesteps": 1000, "prediction_type": "epsilon", "sample_max_value": 1.0, "steps_offset": 1,
  "timestep_spacing": "leading", "trained_betas": null, "use_karras_sigmas": false})";

// A tiny SDXL folder: model_index.json as diffusers writes it for
// StableDiffusionXLPipeline, the diffusers fixtures' SDXL UNet (cross
// attention 8 = the two encoders' widths 4 + 4; added embedding 8 + 6 x 4,
// so text_encoder_2 projects to 8) and vae, two random CLIP text encoders and
// the real CLIP tokenizer files twice.
inline void write_tiny_sdxl(const fs::path& dir) {
  write_text(dir / "model_index.json", R"({"_class_name": "StableDiffusionXLPipeline", "_diffusers_version": "0.30.0",
  "feature_extractor": [null, null], "force_zeros_for_empty_prompt": true, "image_encoder": [null, null],
  "scheduler": ["diffusers", "EulerDiscreteScheduler"], "text_encoder": ["transformers", "CLIPTextModel"],
  "text_encoder_2": ["transformers", "CLIPTextModelWithProjection"], "tokenizer": ["transformers", "CLIPTokenizer"],
  "tokenizer_2": ["transformers", "CLIPTokenizer"], "unet": ["diffusers", "UNet2DConditionModel"],
  "vae": ["diffusers", "AutoencoderKL"]})");
  write_text(dir / "scheduler" / "scheduler_config.json", kSdxlSchedulerConfig);
  copy_folder(kDiffusersFixtures / "models" / "sdxl_unet", dir / "unet");
  copy_folder(kDiffusersFixtures / "models" / "vae", dir / "vae");
  copy_folder(kTransformersFixtures / "clip_tokenizer", dir / "tokenizer");
  copy_folder(kTransformersFixtures / "clip_tokenizer", dir / "tokenizer_2");
  const std::string one = text_encoder_config("CLIPTextModel", 4);
  save(create("transformers.CLIPTextModel", one), one, dir / "text_encoder", "model.safetensors");
  const std::string two = text_encoder_config("CLIPTextModelWithProjection", 4);
  save(create("transformers.CLIPTextModelWithProjection", two), two, dir / "text_encoder_2", "model.safetensors");
}

}  // namespace sdxl_test
