#include "brick/host/components/single_file_checkpoint.h"

#include <ATen/core/Tensor.h>

#include "brick/host/base/error.h"
#include "brick/host/base/installation.h"
#include "brick/host/components/safetensors.h"

namespace brick::host {

namespace fs = std::filesystem;

namespace {

bool has_prefix(const Value::Dict& tensors, std::string_view prefix) {
  for (const auto& [key, value] : tensors) {
    if (key.compare(0, prefix.size(), prefix) == 0) return true;
  }
  return false;
}

const Value* find(const Value::Dict& tensors, std::string_view key) {
  for (const auto& [k, v] : tensors) {
    if (k == key) return v.is_tensor() ? &v : nullptr;
  }
  return nullptr;
}

// The last dimension of a tensor of the file, or -1 when absent.
int64_t last_dim(const Value::Dict& tensors, std::string_view key) {
  const Value* v = find(tensors, key);
  if (!v) return -1;
  at::Tensor t = v->as_tensor();
  return t.dim() > 0 ? t.size(-1) : -1;
}

}  // namespace

bool is_single_file_checkpoint(const fs::path& path) {
  std::error_code ec;
  return path.extension() == ".safetensors" && fs::is_regular_file(path, ec);
}

SingleFileCheckpoint inspect_single_file(const fs::path& path) {
  SingleFileCheckpoint c;
  std::error_code ec;
  c.file = fs::absolute(path, ec).lexically_normal();
  const Value::Dict tensors = read_safetensors(c.file).tensors;
  std::string where = "'";  // built by appending: GCC 12 misreports "'" + string (-Wrestrict)
  where.append(c.file.string()).append("'");
  // diffusers' CHECKPOINT_KEY_NAMES: the keys each model type is told by.
  const Value* conv_in = find(tensors, "model.diffusion_model.input_blocks.0.0.weight");
  if (!conv_in) {
    throw Error(BRICK_ERR_NOT_FOUND,
                where +
                    " is no Stable Diffusion 1.x, 2.x or XL checkpoint in the original (LDM) layout: it has no "
                    "'model.diffusion_model.input_blocks.0.0.weight' (the UNet's first convolution); brick reads "
                    "single files of those models only (a diffusers folder or hub id loads through --model too)");
  }
  const at::Tensor conv = conv_in->as_tensor();
  const bool inpainting = conv.dim() == 4 && conv.size(1) == 9;
  // SD 2.x: OpenCLIP ViT-H under cond_stage_model.model, whose 1024-wide
  // states the UNet's cross attention reads (diffusers looks at the latter
  // only; the former also tells a file whose tiny UNet is not 1024 wide).
  const bool v2 =
      has_prefix(tensors, "cond_stage_model.model.transformer.resblocks.") ||
      last_dim(tensors, "model.diffusion_model.input_blocks.2.1.transformer_blocks.0.attn2.to_k.weight") == 1024;
  const bool xl = has_prefix(tensors, "conditioner.embedders.1.model.transformer.resblocks.") ||
                  find(tensors, "model.diffusion_model.label_emb.0.0.weight") != nullptr;
  const bool refiner = has_prefix(tensors, "conditioner.embedders.0.model.transformer.resblocks.");
  if (refiner && !xl) {
    throw Error(BRICK_ERR_UNSUPPORTED,
                where +
                    " is a Stable Diffusion XL refiner checkpoint (OpenCLIP under conditioner.embedders.0.model): "
                    "no brick pipeline runs the refiner; give an SDXL base, SD 1.x or SD 2.x file");
  }
  c.prediction_type = "epsilon";
  if (v2) {
    c.builtin = "stable-diffusion-2-base";
    if (inpainting) {
      c.model_type = "inpainting_v2";
      c.description = "Stable Diffusion 2.x inpainting";
      c.default_repository = "stabilityai/stable-diffusion-2-inpainting";
    } else {
      c.model_type = "v2";
      c.description = "Stable Diffusion 2.x";
      c.default_repository = "stabilityai/stable-diffusion-2-1";
      // diffusers' _legacy_load_scheduler: epsilon only for the 512-base
      // model's global_step (a file converted from its .ckpt may keep it).
      int64_t global_step = -1;
      if (const Value* step = find(tensors, "global_step"); step && step->as_tensor().numel() == 1) {
        global_step = step->as_tensor().item<int64_t>();
      }
      if (global_step != 875000) {
        c.prediction_type = "v_prediction";
        c.builtin = "stable-diffusion-2-1";
      }
    }
  } else if (xl) {
    c.builtin = "stable-diffusion-xl-base-1.0";
    c.model_type = inpainting ? "xl_inpaint" : "xl_base";
    c.description = inpainting ? "Stable Diffusion XL inpainting" : "Stable Diffusion XL base";
    c.default_repository =
        inpainting ? "diffusers/stable-diffusion-xl-1.0-inpainting-0.1" : "stabilityai/stable-diffusion-xl-base-1.0";
  } else {
    c.builtin = "stable-diffusion-v1-5";
    c.model_type = inpainting ? "inpainting" : "v1";
    c.description = inpainting ? "Stable Diffusion 1.x inpainting" : "Stable Diffusion 1.x";
    c.default_repository = inpainting ? "stable-diffusion-v1-5/stable-diffusion-inpainting"
                                      : "stable-diffusion-v1-5/stable-diffusion-v1-5";
  }
  return c;
}

fs::path builtin_single_file_configs(const SingleFileCheckpoint& checkpoint) {
  fs::path dir = installation_data_dir("single_file");
  std::error_code ec;
  if (dir.empty() || !fs::is_directory(dir / checkpoint.builtin, ec)) {
    throw Error(BRICK_ERR_NOT_FOUND,
                "'" + checkpoint.file.string() + "' (" + checkpoint.description +
                    "): the built-in configs are missing from this installation (no folder '" +
                    (dir.empty() ? std::string("share/brick/single_file") : (dir / checkpoint.builtin).string()) +
                    "')");
  }
  return dir / checkpoint.builtin;
}

}  // namespace brick::host
