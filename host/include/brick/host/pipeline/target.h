// Target: what a host runs, documents or draws when a user names it: one
// block ("plugin.Block") or a pipeline file, with a Host that finds the
// plugins it needs (the brick command's run, doc, graph; a custom host's
// "open this"). For a pipeline made in C++ there is nothing to open.
//
//   Target target = open_target("pipelines/text2image.json", PluginSearch{});
//   target.use_model("stable-diffusion-v1-5/stable-diffusion-v1-5");  // optional
//   target.use_model("v1-5-pruned-emaonly.safetensors");              // or one file
//   ModularPipeline pipe = target.init_pipeline();
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "brick/host/loader/host.h"
#include "brick/host/loader/plugin_search.h"
#include "brick/host/pipeline/modular_pipeline.h"
#include "brick/host/pipeline/pipeline_file.h"

namespace brick::host {

struct Target {
  std::unique_ptr<Host> host = std::make_unique<Host>();
  std::optional<PipelineFile> file;    // when the target is a file
  std::string block;                   // when it is plugin.Block
  std::filesystem::path model;         // the repository (or single file) use_model chose, if any
  std::filesystem::path model_config;  // the repository use_model_config chose, if any

  // The model the pipeline is made from (brick run --model, a server's
  // per-pipeline model): a folder (relative to `base_dir`, else to the
  // working folder), a name on the model search path, or a hub id in the
  // local Hugging Face cache (model_search_path.h). It replaces a pipeline
  // file's "pretrained_model_name_or_path"; a block's pipeline is made
  // from_pretrained from it. Resolved at once: an Error names every place
  // looked at and how to get the model. An existing *.safetensors file is an
  // original single-file checkpoint: the pipeline is made from_single_file
  // (single_file_pipeline.h), its configs from use_model_config's repository, the
  // model type's default one in the local cache, or the built-in ones.
  void use_model(const std::string& pretrained_model_name_or_path, const std::filesystem::path& base_dir = {});
  // The repository of configs for a single-file model (brick run
  // --model-config; diffusers' from_single_file `config=`): a folder, a name
  // on the model search path or a hub id, resolved at once like use_model's.
  // Only for a single-file model (init_pipeline throws otherwise).
  void use_model_config(const std::string& pretrained_model_name_or_path, const std::filesystem::path& base_dir = {});

  // A pipeline over the target, pruned to `workflow` when one is named.
  ModularPipeline init_pipeline(const std::string& workflow = {}) const;
  // The target's blocks (pruned likewise).
  BlockPtr blocks(const std::string& workflow = {}) const;
};

// Whether `target` names a pipeline file (ends in .json, or is a file).
bool is_pipeline_file(const std::string& target);

// A file path (anything ending in .json, or an existing file), the name of
// a pipeline on the pipeline search path ("text2image": find_pipeline), or a
// block name. The plugins come from the registry over the file's plugin folders
// and the search path: a library is opened on the first use of one of its
// blocks, so only the plugins the target uses are loaded. A file's
// "requires" are checked against the versions found (an Error listing every
// unmet one). `lock`, when given, is a lock file: a plugin it lists whose
// content changed is refused.
Target open_target(const std::string& target, const PluginSearch& search, const std::string& lock = {});

}  // namespace brick::host
