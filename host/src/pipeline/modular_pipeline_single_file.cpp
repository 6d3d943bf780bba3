// from_single_file: a pipeline over one original
// checkpoint file, its configs from a repository or the built-in ones
// (docs/models.md, "Single-file checkpoints").
#include <optional>
#include <system_error>
#include <vector>

#include "brick/host/base/error.h"
#include "brick/host/components/component_types.h"
#include "brick/host/components/model_search_path.h"
#include "brick/host/components/single_file_checkpoint.h"
#include "brick/host/pipeline/single_file_pipeline.h"

namespace brick::host {

namespace fs = std::filesystem;

namespace {

// The models an original checkpoint holds, by diffusers' component names.
bool is_model_in_file(const std::string& name) {
  return name == "unet" || name == "vae" || name == "text_encoder" || name == "text_encoder_2";
}

bool has_index(const fs::path& repository) {
  std::error_code ec;
  return fs::is_regular_file(repository / "model_index.json", ec) ||
         fs::is_regular_file(repository / "modular_model_index.json", ec);
}

// <folder>/config.json without the keys that say where it was read from:
// the component is made from the file (load_single_file names it).
Value model_config(const fs::path& folder) {
  Value::Dict config;
  const Value read = read_component_config(folder);  // alive through the loop
  for (const auto& [key, value] : read.as_dict()) {
    if (key != "_name_or_path") config.emplace_back(key, value);
  }
  return Value::dict(std::move(config));
}

}  // namespace

ModularPipeline from_single_file(const fs::path& file, std::unique_ptr<ModularPipelineBlocks> blocks,
                                 PipelineOptions options, const std::string& config) {
  SingleFileCheckpoint checkpoint = inspect_single_file(file);
  std::optional<fs::path> repository;
  if (!config.empty()) {
    repository = resolve_model_repository(config);  // the error names every place looked at
  } else {
    try {
      repository = resolve_model_repository(checkpoint.default_repository);
    } catch (const Error&) {
      // Not in the cache: the built-in configs stand in for it.
    }
  }
  std::optional<fs::path> builtin;
  auto builtin_folder = [&] {
    if (!builtin) builtin = builtin_single_file_configs(checkpoint);
    return *builtin;
  };
  const fs::path index = repository && has_index(*repository) ? *repository : builtin_folder();
  ModularPipeline pipe = ModularPipeline::from_pretrained(index, std::move(blocks), std::move(options));
  std::error_code ec;
  const std::vector<ComponentSpec> specs = pipe.component_specs();  // a copy: each is set back below
  for (ComponentSpec spec : specs) {
    // Only the entries the index gave: from_pretrained, from a subfolder of it.
    if (spec.default_creation_method != CreationMethod::FromPretrained || spec.subfolder.empty() ||
        !spec.pretrained_model_name_or_path) {
      continue;
    }
    const fs::path from(*spec.pretrained_model_name_or_path);
    if (from != index && !fs::equivalent(from, index, ec)) continue;
    const std::string name = spec.subfolder;
    if (is_model_in_file(name)) {
      spec.config = repository && fs::is_regular_file(*repository / name / "config.json", ec)
                        ? model_config(*repository / name)
                        : Value();
      spec.pretrained_model_name_or_path = checkpoint.file.string();
      spec.subfolder.clear();
      spec.variant.reset();
      spec.revision.reset();
    } else if (repository && fs::is_directory(*repository / name, ec)) {
      spec.pretrained_model_name_or_path = repository->string();
    } else if (fs::is_directory(builtin_folder() / name, ec)) {
      spec.pretrained_model_name_or_path = builtin_folder().string();
    } else {
      std::string looked = repository ? "'" + (*repository / name).string() + "', " : std::string();
      throw Error(BRICK_ERR_NOT_FOUND, "'" + checkpoint.file.string() + "' (" + checkpoint.description + ") holds no " +
                                           name + ", and no folder has it (looked at " + looked + "'" +
                                           (builtin_folder() / name).string() +
                                           "'): name a repository that has it with --model-config (`hf download " +
                                           checkpoint.default_repository +
                                           " --exclude \"*.safetensors\" \"*.bin\" \"*.ckpt\"` fetches its "
                                           "configs and tokenizers alone)");
    }
    pipe.set_component_spec(std::move(spec));
  }
  return pipe;
}

void check_model_config(const std::string& config, const std::string& model, bool model_is_single_file) {
  if (config.empty() || model_is_single_file) return;
  throw Error(BRICK_ERR_INVALID_ARGUMENT, "a model config ('" + config +
                                              "') applies to a single-file checkpoint, but the model is " +
                                              (model.empty() ? std::string("not set") : "'" + model + "'"));
}

}  // namespace brick::host
