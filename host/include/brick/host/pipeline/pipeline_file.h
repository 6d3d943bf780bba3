// Pipeline files: a block graph as JSON (docs/pipeline-files.md has the
// schema). Blocks are named "plugin.Block"; sequential, auto and loop blocks
// nest; plugin composites (conditional blocks with their own select_block,
// say) are named like any block. A file may also set default inputs, config
// values and the plugin versions it needs.
//
//   host.use_registry(PluginSearch{}.open_registry());  // installed plugins
//   auto file = PipelineFile::read("text2image.json");
//   host.load_plugins(file.plugin_dirs());
//   ModularPipeline pipe = file.init_pipeline(host);
//   pipe.load_components();                             // its repository's models
//   PipelineState state = pipe(file.inputs_with({{"prompt", "a red circle"}}));
//
// (docs/pipeline-files.md runs this, from docs/samples/host_samples.cpp.)
//
// Every error names the file, the JSON path of the offending entry
// (blocks.sequential.denoise) and what was expected there.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "brick/host/base/error.h"
#include "brick/host/blocks/block_factory.h"
#include "brick/host/pipeline/modular_pipeline.h"
#include "brick/host/value/value.h"

namespace brick::host {

// A malformed pipeline file: the message names the file and the JSON path.
class PipelineFileError : public Error {
 public:
  PipelineFileError(std::string origin, std::string json_path, const std::string& message)
      : Error(BRICK_ERR_INVALID_ARGUMENT, message), origin_(std::move(origin)), json_path_(std::move(json_path)) {}
  const std::string& origin() const noexcept { return origin_; }
  const std::string& json_path() const noexcept { return json_path_; }

 private:
  std::string origin_;
  std::string json_path_;
};

class PipelineFile {
 public:
  // The format this host reads ("brick_pipeline": 1).
  static constexpr int kFormatVersion = 1;

  // Reads and checks a file's shape; blocks are resolved by build_blocks.
  static PipelineFile read(const std::filesystem::path& path);
  // The same from text; `origin` names it in messages, relative paths in it
  // resolve against `base_dir`.
  static PipelineFile parse(std::string_view text, std::string origin, const std::filesystem::path& base_dir = {});

  const std::string& origin() const { return origin_; }
  const std::string& description() const { return description_; }
  // Folders to load plugins from, resolved against the file's folder.
  const std::vector<std::filesystem::path>& plugin_dirs() const { return plugin_dirs_; }
  // "requires": plugin name -> version specification (">=1.2", "==1.2.0", ...).
  const std::vector<std::pair<std::string, std::string>>& requirements() const { return requires_; }
  // Every plugin the file names directly, in first-seen order.
  std::vector<std::string> plugin_names() const;
  // "inputs": default inputs of a run.
  const Kwargs& inputs() const { return inputs_; }
  // The file's inputs, each replaced by the same name in `overrides`, then
  // the other overrides.
  Kwargs inputs_with(const Kwargs& overrides) const;
  // "configs": values for the pipeline's ConfigSpecs.
  const Value::Dict& configs() const { return configs_; }
  // "components": per component, the ComponentSpec fields that replace the
  // declared ones (a relative pretrained_model_name_or_path is resolved
  // against the file's folder).
  const Value::Dict& components() const { return components_; }
  // The modular repository the pipeline loads from ("pretrained_model_name_or_path":
  // relative to the file's folder, else found on the model search path,
  // model_search_path.h); empty when the file names none. Throws
  // PipelineFileError when it names one that is not found.
  std::filesystem::path repository() const;
  // The file's "pretrained_model_name_or_path" as written ("" when none), or
  // the one set below.
  const std::string& pretrained_model_name_or_path() const { return repository_; }
  // Replaces the file's "pretrained_model_name_or_path" (brick run --model,
  // Target::use_model): a folder (relative to `base_dir`, else to the
  // working folder), a name on the model search path or a hub id. A
  // component the file's "components" point elsewhere keeps its own path.
  // repository() then reports a missing model without blaming the file.
  void set_pretrained_model_name_or_path(std::string name_or_path, std::filesystem::path base_dir = {});
  // The single-file checkpoint "pretrained_model_name_or_path" names (a
  // *.safetensors file, relative to the file's folder or the base_dir set
  // above), or nullopt when it names a repository or nothing.
  std::optional<std::filesystem::path> single_file() const;
  // The repository of configs for a single-file checkpoint (--model-config,
  // Target::use_model_config; from_single_file's `config`, single_file_pipeline.h).
  void set_model_config(std::string name_or_path) { model_config_ = std::move(name_or_path); }
  const std::string& model_config() const { return model_config_; }

  // The block graph, created through factory (a Host). Throws
  // PipelineFileError naming the path of the block that could not be made.
  BlockPtr build_blocks(const BlockFactory& factory) const;
  // build_blocks, pruned to `workflow` when one is named (get_workflow),
  // made a pipeline with `options` (when factory is a Host and options name
  // no component types, the host's: built-in and its plugins'), with the
  // file's configs and component specs set (each must be one the blocks
  // declare).
  ModularPipeline init_pipeline(const BlockFactory& factory, std::string_view workflow = {},
                                PipelineOptions options = {}) const;

 private:
  std::string origin_;
  std::string description_;
  Value blocks_;  // the "blocks" entry, checked for shape
  std::vector<std::filesystem::path> plugin_dirs_;
  std::vector<std::pair<std::string, std::string>> requires_;
  Kwargs inputs_;
  Value::Dict configs_;
  Value::Dict components_;
  std::string repository_;
  std::filesystem::path base_dir_;
  bool repository_set_ = false;  // by set_pretrained_model_name_or_path, not the file
  std::string model_config_;
};

}  // namespace brick::host
