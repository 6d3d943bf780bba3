#include "brick/host/host.h"

#include "brick/host/error.h"
#include "brick/host/log.h"
#include "brick/registry/search_path.h"

namespace brick::host {

std::shared_ptr<Plugin> Host::load_plugin(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::path canonical = std::filesystem::weakly_canonical(path, ec);
  if (ec) canonical = path;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& plugin : plugins_) {
      if (plugin->path() == canonical) return plugin;
    }
  }
  std::shared_ptr<Plugin> plugin = Plugin::load(canonical);
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& other : plugins_) {
    if (other->path() == canonical) return other;  // another thread loaded it meanwhile
    if (other->name() == plugin->name()) {
      throw PluginLoadError(BRICK_ERR_BAD_PLUGIN, canonical.string(),
                            "cannot load plugin " + canonical.string() + ": the name '" + plugin->name() +
                                "' is already taken by " + other->path().string());
    }
  }
  plugins_.push_back(plugin);
  return plugin;
}

std::vector<LoadFailure> Host::load_plugins(const std::vector<std::filesystem::path>& paths) {
  std::vector<std::filesystem::path> files;
  std::vector<LoadFailure> failures;
  for (const auto& path : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      for (auto& file : registry::plugin_files(path)) files.push_back(std::move(file));
    } else {
      files.push_back(path);
    }
  }
  for (const auto& file : files) {
    try {
      load_plugin(file);
    } catch (const PluginLoadError& e) {
      log_warning(e.what());
      failures.push_back(LoadFailure{file, e.status(), e.what()});
    }
  }
  return failures;
}

std::vector<std::shared_ptr<Plugin>> Host::plugins() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return plugins_;
}

std::shared_ptr<Plugin> Host::find_plugin(std::string_view name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& plugin : plugins_) {
    if (plugin->name() == name) return plugin;
  }
  return nullptr;
}

const BlockClass& Host::block_class(std::string_view qualified_name) const {
  size_t dot = qualified_name.find('.');
  if (dot != std::string_view::npos) {
    if (auto plugin = find_plugin(qualified_name.substr(0, dot))) {
      if (const BlockClass* cls = plugin->find_block_class(qualified_name.substr(dot + 1))) return *cls;
    }
  }
  std::string loaded;
  for (const auto& plugin : plugins()) {
    loaded += loaded.empty() ? "" : "; ";
    loaded += plugin->name() + " (";
    for (size_t i = 0; i < plugin->block_classes().size(); ++i) {
      loaded += (i ? ", " : "") + plugin->block_classes()[i].name();
    }
    loaded += ")";
  }
  throw Error(BRICK_ERR_NOT_FOUND, "unknown block '" + std::string(qualified_name) + "' (blocks are named plugin.Block); " +
                                       (loaded.empty() ? std::string("no plugins are loaded") : "loaded: " + loaded));
}

BlockPtr Host::create_block(std::string_view qualified_name, const Value& config) const {
  return block_class(qualified_name).create(config, this);
}

}  // namespace brick::host
