#include "catalog.h"

#include <set>
#include <vector>

#include "brick/host/base/error.h"
#include "brick/host/base/log.h"
#include "brick/host/base/names.h"
#include "brick/host/components/component_types.h"
#include "brick/host/pipeline/pipeline_search_path.h"
#include "brick/host/plugin/plugin.h"
#include "http_error.h"
#include "json_values.h"

namespace brick::serve {

namespace json = boost::json;

const InputInfo* CatalogEntry::find_input(const std::string& input) const {
  for (const InputInfo& info : inputs) {
    if (info.name == input) return &info;
  }
  return nullptr;
}

json::object CatalogEntry::describe() const {
  json::array input_list;
  for (const InputInfo& info : inputs) {
    input_list.push_back(json::object{{"name", info.name},
                                      {"type", info.type_hint},
                                      {"required", info.required},
                                      {"default", info.default_value},
                                      {"description", info.description}});
  }
  json::array output_list, workflow_list, component_list;
  for (const std::string& name : outputs) output_list.push_back(json::string(name));
  for (const std::string& name : workflows) workflow_list.push_back(json::string(name));
  for (const std::string& name : components) component_list.push_back(json::string(name));
  json::object out{{"name", name},
                   {"doc", doc},
                   {"inputs", input_list},
                   {"outputs", output_list},
                   {"workflows", workflow_list},
                   {"components", component_list}};
  if (is_block) {
    out["block"] = name;
  } else {
    out["file"] = file.string();
  }
  return out;
}

Catalog::Catalog(const ServeOptions& options) : options_(options) {}

std::shared_ptr<CatalogEntry> Catalog::open(const std::string& name, const std::string& target_name, bool is_block) {
  auto entry = std::make_shared<CatalogEntry>();
  entry->name = name;
  entry->is_block = is_block;
  entry->target = host::open_target(target_name, options_.search, options_.lock);
  if (entry->target.file) entry->file = entry->target.file->origin();
  if (!is_block) {
    for (const auto& [pipeline, model] : options_.models) {
      if (pipeline != name) continue;
      try {
        entry->target.use_model(model);
      } catch (const host::Error& e) {
        throw host::Error(e.status(), "--model " + pipeline + "=" + model + ": " + e.what());
      }
    }
    for (const auto& [pipeline, config] : options_.model_configs) {
      if (pipeline != name) continue;
      try {
        entry->target.use_model_config(config);
      } catch (const host::Error& e) {
        throw host::Error(e.status(), "--model-config " + pipeline + "=" + config + ": " + e.what());
      }
    }
  }
  host::BlockPtr blocks = entry->target.blocks();
  entry->doc = blocks->doc();
  for (const host::OutputParam& output : blocks->outputs()) {
    entry->outputs.push_back(output.name);
    entry->output_types.push_back(output.type_hint);
  }
  try {
    entry->workflows = blocks->available_workflows();
  } catch (const std::exception&) {
  }
  host::Kwargs file_inputs = entry->target.file ? entry->target.file->inputs() : host::Kwargs{};
  for (const host::InputParam& param : blocks->inputs()) {
    if (!param.name) continue;
    InputInfo info;
    info.name = *param.name;
    info.type_hint = param.type_hint;
    info.description = param.description;
    info.required = param.required;
    host::Value default_value = param.default_value;
    for (const auto& [key, value] : file_inputs) {
      if (key == info.name) default_value = value;
    }
    info.default_value = output_json(default_value);
    if (info.name == "output") entry->writes_output = true;
    entry->inputs.push_back(std::move(info));
  }
  // The pipeline's components, as built (a file's specs applied).
  host::ModularPipeline pipe = entry->target.init_pipeline();
  entry->components = pipe.component_names();
  return entry;
}

void Catalog::load_pipelines() {
  std::lock_guard lock(mutex_);
  // A --model or --model-config for a name no pipeline is served as is
  // refused before anything loads.
  const std::vector<std::filesystem::path> installed =
      options_.installed_pipelines ? host::list_pipelines() : std::vector<std::filesystem::path>{};
  std::set<std::string> served;
  for (const auto& [name, file] : options_.pipelines) served.insert(name);
  for (const std::filesystem::path& file : installed) served.insert(file.stem().string());
  for (const auto* given : {&options_.models, &options_.model_configs}) {
    for (const auto& [pipeline, value] : *given) {
      if (!served.count(pipeline)) {
        throw host::Error(BRICK_ERR_INVALID_ARGUMENT,
                          std::string(given == &options_.models ? "--model " : "--model-config ") + pipeline + "=" +
                              value + ": no pipeline is served as '" + pipeline + "'");
      }
    }
  }
  std::set<std::string> names;
  for (const auto& [name, file] : options_.pipelines) {
    if (!names.insert(name).second)
      throw host::Error(BRICK_ERR_INVALID_ARGUMENT, "--pipeline: '" + name + "' is given twice");
    try {
      pipelines_.push_back(open(name, file.string(), false));
    } catch (const std::exception& e) {
      throw host::Error(BRICK_ERR_INVALID_ARGUMENT, "pipeline '" + name + "' (" + file.string() + "): " + e.what());
    }
  }
  for (const std::filesystem::path& file : installed) {
    std::string name = file.stem().string();
    if (names.count(name)) continue;
    try {
      pipelines_.push_back(open(name, file.string(), false));
      names.insert(name);
    } catch (const std::exception& e) {
      // A model named for it is the user's choice: its error is not skipped.
      bool chosen = false;
      for (const auto& [pipeline, model] : options_.models) chosen = chosen || pipeline == name;
      if (chosen) throw host::Error(BRICK_ERR_INVALID_ARGUMENT, "pipeline '" + name + "': " + e.what());
      host::log_warning("brick serve: skipping the installed pipeline " + file.string() + ": " + e.what());
    }
  }
}

std::shared_ptr<const CatalogEntry> Catalog::pipeline(const std::string& name) const {
  std::lock_guard lock(mutex_);
  for (const auto& entry : pipelines_) {
    if (entry->name == name) return entry;
  }
  return nullptr;
}

std::vector<std::shared_ptr<const CatalogEntry>> Catalog::pipelines() const {
  std::lock_guard lock(mutex_);
  return {pipelines_.begin(), pipelines_.end()};
}

std::shared_ptr<const CatalogEntry> Catalog::block(const std::string& qualified_name) {
  std::lock_guard lock(mutex_);
  auto it = blocks_.find(qualified_name);
  if (it != blocks_.end()) return it->second;
  if (qualified_name.find('.') == std::string::npos || qualified_name.find('/') != std::string::npos ||
      qualified_name.size() > 200) {
    throw HttpError(400, "invalid_block", "block '" + qualified_name + "': expected a name plugin.Block");
  }
  try {
    auto entry = open(qualified_name, qualified_name, true);
    blocks_.emplace(qualified_name, entry);
    return entry;
  } catch (const host::Error& e) {
    int status = e.status() == BRICK_ERR_NOT_FOUND ? 404 : 400;
    throw HttpError(status, status == 404 ? "unknown_block" : "invalid_block",
                    "block '" + qualified_name + "': " + e.what());
  }
}

namespace {

// Plugins of every entry's host, each once (by file).
std::vector<std::shared_ptr<host::Plugin>> all_plugins(
    const std::vector<std::shared_ptr<CatalogEntry>>& pipelines,
    const std::map<std::string, std::shared_ptr<CatalogEntry>>& blocks) {
  std::vector<std::shared_ptr<host::Plugin>> out;
  std::set<std::string> seen;
  auto add = [&](const CatalogEntry& entry) {
    for (const auto& plugin : entry.target.host->plugins()) {
      if (seen.insert(plugin->name() + "\n" + plugin->path().string()).second) out.push_back(plugin);
    }
  };
  for (const auto& entry : pipelines) add(*entry);
  for (const auto& [name, entry] : blocks) add(*entry);
  return out;
}

}  // namespace

json::array Catalog::plugins_json() const {
  std::lock_guard lock(mutex_);
  json::array out;
  for (const auto& plugin : all_plugins(pipelines_, blocks_)) {
    json::array blocks, types, draining;
    for (const host::BlockClass& block : plugin->block_classes())
      blocks.push_back(json::string(block.qualified_name()));
    for (const std::string& type : plugin->component_class_names()) types.push_back(json::string(type));
    // Old generations that runs in flight (or objects made by them) still hold.
    std::set<uint64_t> seen;
    for (host::Host* host : hosts()) {
      for (const host::PluginGeneration& g : host->generations()) {
        if (g.name != plugin->name() || g.current || !seen.insert(g.generation).second) continue;
        draining.push_back(
            json::object{{"version", g.version}, {"generation", g.generation}, {"hash", g.content_hash}});
      }
    }
    json::object entry{{"name", plugin->name()},
                       {"version", plugin->version()},
                       {"generation", plugin->generation()},
                       {"hash", plugin->content_hash()},
                       {"file", plugin->path().string()},
                       {"description", plugin->description()},
                       {"unloadable", plugin->unloadable()},
                       {"blocks", blocks},
                       {"component_types", types},
                       {"draining", draining}};
    if (!plugin->unloadable()) entry["resident_reason"] = plugin->resident_reason();
    out.push_back(std::move(entry));
  }
  return out;
}

std::vector<host::Host*> Catalog::hosts() const {
  std::lock_guard lock(mutex_);
  std::vector<host::Host*> out;
  for (const auto& entry : pipelines_) out.push_back(entry->target.host.get());
  for (const auto& [name, entry] : blocks_) out.push_back(entry->target.host.get());
  return out;
}

size_t Catalog::plugin_count() const {
  std::lock_guard lock(mutex_);
  return all_plugins(pipelines_, blocks_).size();
}

host::ModularPipeline Catalog::make_pipeline(const CatalogEntry& entry, const std::string& workflow,
                                             brick_device device) {
  std::lock_guard lock(mutex_);
  host::ModularPipeline pipe = entry.target.init_pipeline(workflow);
  pipe.to(device);
  pipe.load_components();
  return pipe;
}

void check_inputs(const CatalogEntry& entry, const json::object& inputs) {
  for (const auto& [key, value] : inputs) {
    std::string name(key);
    if (name == "output" && entry.writes_output) {
      throw HttpError(400, "invalid_input",
                      "input 'output': the server names the files a run writes (its images are served at "
                      "/runs/{id}/images/{k}.png)");
    }
    const InputInfo* info = entry.find_input(name);
    if (!info) {
      std::string known;
      std::vector<std::string> names;
      for (const InputInfo& each : entry.inputs) {
        if (each.name == "output" && entry.writes_output) continue;
        known += (known.empty() ? "" : ", ") + each.name;
        names.push_back(each.name);
      }
      std::string message = "unknown input '" + name + "' for " + entry.name;
      if (auto close = host::closest_name(name, names)) message += " (did you mean '" + *close + "'?)";
      throw HttpError(400, "unknown_input", message + "; its inputs: " + (known.empty() ? "none" : known));
    }
    std::string expected;
    if (!fits_type(value, info->type_hint, &expected)) {
      throw HttpError(400, "invalid_input",
                      "input '" + name + "' of " + entry.name + ": expected " + expected + ", got " + json_kind(value));
    }
    (void)input_value(value, name);  // a malformed tensor is refused now, not when the run starts
  }
}

}  // namespace brick::serve
