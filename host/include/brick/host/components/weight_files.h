// Which safetensors files hold a component folder's weights, named as
// diffusers' and transformers' save_pretrained name them:
//
//   diffusion_pytorch_model.safetensors / model.safetensors       one file
//   diffusion_pytorch_model.fp16.safetensors                       variant "fp16"
//   diffusion_pytorch_model-00001-of-00002.safetensors + ...       shards, listed by
//   diffusion_pytorch_model.safetensors.index.json                 its weight_map
//   diffusion_pytorch_model.fp16-00001-of-00002.safetensors + ...  variant shards, listed by
//   diffusion_pytorch_model.safetensors.index.fp16.json
//   (older diffusers: diffusion_pytorch_model-00001-of-00002.fp16.safetensors)
//
// An index, when the folder has one for the variant asked for, decides the
// files; otherwise every *.safetensors file of that variant (none: the files
// without one) is read, in name order.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace brick::host {

struct WeightFiles {
  std::vector<std::filesystem::path> files;       // in the order to read them
  std::optional<std::filesystem::path> index;     // the *.safetensors.index[.<variant>].json used, if any
  std::map<std::string, std::string> weight_map;  // the index's tensor name -> file name; empty without one
};

// Throws Error(BRICK_ERR_NOT_FOUND) when the folder has no weights of the
// variant (the message lists the safetensors files it does have), when the
// index names a shard the folder lacks (naming both), and
// Error(BRICK_ERR_INVALID_ARGUMENT) when the index is not valid JSON with a
// weight_map of file names.
WeightFiles find_weight_files(const std::filesystem::path& folder, const std::optional<std::string>& variant);

// The variant a weights file name carries ("fp16" for
// "diffusion_pytorch_model.fp16.safetensors" and its shards), or nullopt.
std::optional<std::string> weight_file_variant(const std::string& file_name);

// Whether the folder has any *.safetensors file.
bool has_safetensors(const std::filesystem::path& folder);

}  // namespace brick::host
