#include "brick/host/pipeline/target.h"

#include <filesystem>
#include <map>

#include "brick/host/base/error.h"
#include "brick/host/base/names.h"
#include "brick/host/components/model_search_path.h"
#include "brick/host/components/single_file_checkpoint.h"
#include "brick/host/pipeline/pipeline_search_path.h"
#include "brick/host/pipeline/single_file_pipeline.h"
#include "brick/registry/lock_file.h"
#include "brick/registry/version_requirement.h"

namespace brick::host {

bool is_pipeline_file(const std::string& target) {
  std::error_code ec;
  return (target.size() > 5 && target.compare(target.size() - 5, 5, ".json") == 0) ||
         std::filesystem::is_regular_file(target, ec);
}

Target open_target(const std::string& target, const PluginSearch& search, const std::string& lock) {
  Target t;
  if (!lock.empty()) t.host->use_lock(registry::LockFile::read(lock));
  std::optional<std::filesystem::path> named;
  if (!is_pipeline_file(target) && is_identifier(target)) named = find_pipeline(target);
  if (named || is_pipeline_file(target)) {
    t.file = PipelineFile::read(named ? *named : std::filesystem::path(target));
    // The file's own plugin folders first, then the search path. The host
    // knows every plugin found from the registry and opens a library when
    // a block of it (or a composite's sub-block) is first made.
    PluginSearch with_file = search;
    with_file.dirs.insert(with_file.dirs.begin(), t.file->plugin_dirs().begin(), t.file->plugin_dirs().end());
    registry::Registry registry = with_file.open_registry();
    t.host->use_registry(registry);
    std::map<std::string, std::string> requirements(t.file->requirements().begin(), t.file->requirements().end());
    std::vector<std::string> unmet = registry::check_version_requirements(requirements, registry.versions());
    if (!unmet.empty()) {
      std::string message = t.file->origin() + ": the plugins found do not meet its requirements:";
      for (const std::string& u : unmet) message += "\n  " + u;
      throw Error(BRICK_ERR_NOT_FOUND, message);
    }
    // A plugin the registry could not scan (no scanner) is loaded directly.
    for (const std::string& name : t.file->plugin_names()) {
      if (!t.host->known_plugin(name)) {
        with_file.load_all(*t.host);
        break;
      }
    }
    return t;
  }
  std::optional<QualifiedName> split = split_qualified_name(target);
  if (!split) {
    throw Error(BRICK_ERR_INVALID_ARGUMENT,
                "expected a block named plugin.Block, a pipeline file (.json) or the name of an installed pipeline "
                "(brick list), got '" +
                    target + "'");
  }
  // Only the plugin of the block is opened. A plugin the registry could
  // not scan is looked for directly.
  std::string plugin_name(split->plugin);
  registry::Registry registry = search.open_registry();
  t.host->use_registry(registry);
  if (!t.host->known_plugin(plugin_name)) search.load_for(*t.host, plugin_name);
  t.block = target;
  return t;
}

BlockPtr Target::blocks(const std::string& workflow) const {
  BlockPtr blocks = file ? file->build_blocks(*host) : host->create_block(block);
  return workflow.empty() ? std::move(blocks) : blocks->get_workflow(workflow);
}

void Target::use_model(const std::string& pretrained_model_name_or_path, const std::filesystem::path& base_dir) {
  std::filesystem::path as_file(pretrained_model_name_or_path);
  if (as_file.is_relative() && !base_dir.empty()) as_file = base_dir / as_file;
  std::error_code ec;
  if (is_single_file_checkpoint(as_file)) {
    model = std::filesystem::absolute(as_file).lexically_normal();
    inspect_single_file(model);  // an unknown model type is an error now, naming the file
  } else if (as_file.extension() == ".safetensors" && !std::filesystem::exists(as_file, ec)) {
    throw Error(BRICK_ERR_NOT_FOUND, "no file '" + std::filesystem::absolute(as_file, ec).lexically_normal().string() +
                                         "' (a single-file checkpoint, *.safetensors)");
  } else {
    model = std::filesystem::absolute(resolve_model_repository(pretrained_model_name_or_path, base_dir));
  }
  if (file) file->set_pretrained_model_name_or_path(model.string());
}

void Target::use_model_config(const std::string& pretrained_model_name_or_path, const std::filesystem::path& base_dir) {
  model_config = std::filesystem::absolute(resolve_model_repository(pretrained_model_name_or_path, base_dir));
  if (file) file->set_model_config(model_config.string());
}

ModularPipeline Target::init_pipeline(const std::string& workflow) const {
  if (file) return file->init_pipeline(*host, workflow);
  // The types are taken after the block is made, which may have opened the
  // plugin whose types it needs; the pipeline follows the host's reloads.
  BlockPtr made = blocks(workflow);
  PipelineOptions options;
  options.host = host.get();
  options.component_types = host->component_types();
  const bool single_file = !model.empty() && is_single_file_checkpoint(model);
  check_model_config(model_config.string(), model.string(), single_file);
  if (model.empty()) return ModularPipeline(std::move(made), std::move(options));
  if (single_file) {
    return from_single_file(model, std::move(made), std::move(options), model_config.string());
  }
  return ModularPipeline::from_pretrained(model, std::move(made), std::move(options));
}

}  // namespace brick::host
