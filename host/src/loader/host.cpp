#include "brick/host/loader/host.h"

#include "brick/host/base/error.h"
#include "brick/host/base/log.h"
#include "brick/host/base/names.h"
#include "brick/host/components/component_types.h"
#include "brick/host/loader/registry.h"
#include "brick/registry/content_hash.h"
#include "brick/registry/error.h"
#include "brick/registry/search_path.h"

#include <algorithm>
#include <fstream>

namespace brick::host {

// The listener lives apart from the Host: an old generation may be
// released (on the reaper thread) after its Host is gone.
struct Host::Listener {
  // Held while a callback runs, so that ~Host waits for one in flight and
  // none starts after it (recursive: a callback may reload).
  std::recursive_mutex mutex;
  ReloadListener callback;
  void deliver(const ReloadEvent& event) {
    std::lock_guard lock(mutex);
    if (callback) callback(event);
  }
};

Host::Host() : listener_(std::make_shared<Listener>()) {}

// Events stop here: generations released after this (by pipelines that
// outlived their host, or the reaper) are only logged.
Host::~Host() {
  {
    std::lock_guard lock(listener_->mutex);
    listener_->callback = nullptr;
  }
  // Plugins only this host held are released here; their unloads (on the
  // reaper thread) end before the host does, so that a process that ends
  // right after (brick run) never exits in the middle of a dlclose, where
  // the library would be found still mapped.
  {
    std::lock_guard lock(mutex_);
    plugins_.clear();
  }
  wait_for_plugin_unloads();
}

const char* ReloadEvent::kind_name(Kind kind) {
  switch (kind) {
    case Kind::Loaded:
      return "loaded";
    case Kind::Unchanged:
      return "unchanged";
    case Kind::Refused:
      return "refused";
    case Kind::Unloaded:
      return "unloaded";
    case Kind::Kept:
      return "kept";
  }
  return "unknown";
}

std::string ReloadEvent::message() const {
  std::string who = plugin.empty() ? file.string() : "plugin '" + plugin + "'";
  if (!version.empty()) who += " " + version;
  std::string generation_text = generation ? " (generation " + std::to_string(generation) +
                                                 (content_hash.empty() ? "" : ", " + content_hash) + ")"
                                           : std::string();
  switch (kind) {
    case Kind::Loaded:
      return "loaded " + who + generation_text + " from " + file.string();
    case Kind::Unchanged:
      return who + generation_text + ": " + file.string() + " is unchanged";
    case Kind::Refused:
      return "refused the new build of " + who + " from " + file.string() + ": " + reason;
    case Kind::Unloaded:
      return "unloaded " + who + generation_text;
    case Kind::Kept:
      return "released " + who + generation_text + ", kept resident: " + reason;
  }
  return reason;
}

void Host::set_reload_listener(ReloadListener listener) {
  std::lock_guard lock(listener_->mutex);
  listener_->callback = std::move(listener);
}

ReloadEvent Host::emit(ReloadEvent event) const {
  log(event.kind == ReloadEvent::Kind::Refused ? LogLevel::Warning : LogLevel::Info, "brick", event.message());
  listener_->deliver(event);
  return event;
}

// Old generations report their release to the host's listener, if it is
// still there (the reaper already logged it).
void Host::watch_release(Plugin& plugin) const {
  std::weak_ptr<Listener> weak = listener_;
  std::filesystem::path file = plugin.path();
  plugin.set_release_listener([weak, file](const PluginRelease& release) {
    auto listener = weak.lock();
    if (!listener) return;
    ReloadEvent event;
    event.kind = release.unloaded ? ReloadEvent::Kind::Unloaded : ReloadEvent::Kind::Kept;
    event.plugin = release.name;
    event.file = file;
    event.version = release.version;
    event.generation = release.generation;
    event.content_hash = release.content_hash;
    if (!release.unloaded) event.reason = release.detail;
    listener->deliver(event);
  });
}

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
  // Under a lock file, a plugin the registry knows is checked before its
  // library is opened; an unknown one right after.
  std::string known_name;
  bool locked = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    locked = lock_.has_value();
    for (const auto& record : known_) {
      if (record.path == canonical) known_name = record.name;
    }
  }
  if (locked && !known_name.empty()) check_lock(canonical, known_name);
  std::shared_ptr<Plugin> plugin = Plugin::load(canonical);
  if (locked) check_lock_hash(canonical, plugin->name(), plugin->content_hash());
  watch_release(*plugin);
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

namespace {
[[noreturn]] void unknown_block(std::string_view qualified_name, const std::vector<std::string>& names,
                                bool registry_known) {
  // "plugin (A, B); other (C)"
  std::string known, plugin;
  for (const std::string& name : names) {
    std::optional<QualifiedName> split = split_qualified_name(name);
    std::string this_plugin(split->plugin);
    if (this_plugin != plugin) {
      if (!known.empty()) known += "); ";
      known += this_plugin + " (";
      plugin = this_plugin;
    } else {
      known += ", ";
    }
    known += split->name;
  }
  if (!known.empty()) known += ")";
  std::string message = "unknown block '";
  message += qualified_name;
  message += "' (blocks are named plugin.Block); ";
  if (known.empty()) {
    message += "no plugins are loaded";
  } else {
    message += registry_known ? "loaded or known: " : "loaded: ";
    message += known;
  }
  throw Error(BRICK_ERR_NOT_FOUND, message);
}
}  // namespace

const BlockClass& Host::block_class(std::string_view qualified_name) const {
  if (std::optional<QualifiedName> split = split_qualified_name(qualified_name)) {
    auto plugin = find_plugin(split->plugin);
    if (!plugin) plugin = load_known(split->plugin);
    if (plugin) {
      if (const BlockClass* cls = plugin->find_block_class(split->name)) return *cls;
    }
  }
  bool registry_known;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    registry_known = !known_.empty();
  }
  unknown_block(qualified_name, block_names(), registry_known);
}

BlockPtr Host::create_block(std::string_view qualified_name, const Value& config) const {
  return block_class(qualified_name).create(config, this);
}

void Host::use_registry(const registry::Registry& registry) {
  std::lock_guard<std::mutex> lock(mutex_);
  known_ = registry.plugins();
}

void Host::use_lock(registry::LockFile lock_file) {
  std::lock_guard<std::mutex> lock(mutex_);
  lock_ = std::move(lock_file);
}

void Host::check_lock(const std::filesystem::path& file, const std::string& name) const {
  std::string hash;
  try {
    hash = registry::hash_text(registry::file_content_hash(file));
  } catch (const registry::RegistryError& e) {
    throw PluginLoadError(BRICK_ERR_BAD_PLUGIN, file.string(), e.what());
  }
  check_lock_hash(file, name, hash);
}

void Host::check_lock_hash(const std::filesystem::path& file, const std::string& name, const std::string& hash) const {
  std::string refusal;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (lock_) refusal = lock_->check(name, hash, file);
  }
  if (!refusal.empty()) {
    throw PluginLoadError(BRICK_ERR_BAD_PLUGIN, file.string(), "cannot load plugin " + file.string() + ": " + refusal);
  }
}

const registry::PluginRecord* Host::known_plugin(std::string_view name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& record : known_) {
    if (record.name == name) return &record;
  }
  return nullptr;
}

std::shared_ptr<Plugin> Host::load_known(std::string_view plugin_name) const {
  const registry::PluginRecord* record = known_plugin(plugin_name);
  if (!record) return nullptr;
  // Loading on first use changes what is loaded, not which blocks this host
  // offers: logically const.
  std::shared_ptr<Plugin> plugin = const_cast<Host*>(this)->load_plugin(record->path);
  if (plugin->name() != record->name) {
    throw PluginLoadError(BRICK_ERR_BAD_PLUGIN, record->path.string(),
                          "plugin file " + record->path.string() + " was registered as '" + record->name +
                              "' but now calls itself '" + plugin->name() + "'; it changed since it was scanned");
  }
  return plugin;
}

std::vector<std::string> Host::block_names() const {
  std::vector<std::string> names;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& plugin : plugins_) {
    for (const BlockClass& cls : plugin->block_classes()) names.push_back(cls.qualified_name());
  }
  for (const auto& record : known_) {
    bool loaded = false;
    for (const auto& plugin : plugins_) loaded = loaded || plugin->name() == record.name;
    if (loaded) continue;
    for (const auto& block : record.blocks) names.push_back(record.name + "." + block.name);
  }
  return names;
}

BlockPtr Host::describe_block(std::string_view qualified_name) const {
  if (std::optional<QualifiedName> split = split_qualified_name(qualified_name)) {
    if (!find_plugin(split->plugin)) {
      if (const registry::PluginRecord* record = known_plugin(split->plugin)) {
        if (const registry::BlockRecord* block = record->find_block(split->name)) {
          // Without a cached declaration (the scanner could not make the
          // block alone, e.g. a composite of other plugins' blocks), the
          // real block answers.
          if (!block->declaration_json.empty()) {
            return declared_block(block->declaration_json, std::string(qualified_name), block->doc);
          }
        }
      }
    }
  }
  return create_block(qualified_name);
}

// The built-in component types, those the loaded plugins export, and those
// the registry's known plugins declare: such a type opens its plugin when a
// pipeline first creates or loads a component of it, as a block does.
std::shared_ptr<const ComponentTypes> Host::component_types() const {
  auto types = std::make_shared<ComponentTypes>(ComponentTypes::builtin());
  std::vector<std::shared_ptr<Plugin>> loaded = plugins();
  for (const std::shared_ptr<Plugin>& plugin : loaded) plugin->add_component_types(*types);
  std::vector<registry::PluginRecord> known;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    known = known_;
  }
  std::weak_ptr<const int> alive = alive_;
  for (const registry::PluginRecord& record : known) {
    bool is_loaded = std::any_of(loaded.begin(), loaded.end(), [&](const auto& p) { return p->name() == record.name; });
    if (is_loaded) continue;
    for (const auto& [name, description] : component_types_of(record)) {
      (void)description;
      if (types->find(name)) continue;
      // The plugin's own type, once it is open: what the lazy entry forwards to.
      auto opened = [this, alive, plugin = record.name, name = name]() -> ComponentType {
        if (alive.expired()) {
          throw Error(BRICK_ERR_NOT_FOUND, "component type '" + name + "': the Host that knew plugin '" + plugin +
                                               "' was destroyed; keep it while its pipelines load components");
        }
        std::shared_ptr<Plugin> p = load_known(plugin);
        ComponentTypes own;
        if (p) p->add_component_types(own);
        const ComponentType* type = own.find(name);
        if (!type) {
          throw Error(BRICK_ERR_NOT_FOUND, "component type '" + name + "': plugin '" + plugin +
                                               "' no longer exports it (it changed since it was scanned)");
        }
        return *type;
      };
      ComponentType lazy;
      lazy.name = name;
      lazy.create = [opened](const Value& config) {
        ComponentType type = opened();
        if (!type.create) throw Error(BRICK_ERR_UNSUPPORTED, "component type '" + type.name + "' cannot be created");
        return type.create(config);
      };
      lazy.load = [opened](const std::filesystem::path& folder, const ComponentSpec& spec, const LoadOptions& options) {
        ComponentType type = opened();
        if (!type.load) throw Error(BRICK_ERR_UNSUPPORTED, "component type '" + type.name + "' cannot be loaded");
        return type.load(folder, spec, options);
      };
      types->add(std::move(lazy));
    }
  }
  return types;
}

// ---- hot reload --------------------------------------------------------

ReloadEvent Host::reload(std::string_view name, const ReloadOptions& options) {
  std::shared_ptr<Plugin> current = find_plugin(name);
  if (!current) {
    if (const registry::PluginRecord* record = known_plugin(name)) return reload_file(record->path, options);
    ReloadEvent event;
    event.plugin = std::string(name);
    event.reason = "no plugin named '" + std::string(name) + "' is loaded";
    return emit(std::move(event));
  }
  return reload_plugin(current, options);
}

ReloadEvent Host::reload_file(const std::filesystem::path& file, const ReloadOptions& options) {
  std::error_code ec;
  std::filesystem::path canonical = std::filesystem::weakly_canonical(file, ec);
  if (ec) canonical = file;
  std::shared_ptr<Plugin> current;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& plugin : plugins_) {
      if (plugin->path() == canonical) current = plugin;
    }
  }
  if (current) return reload_plugin(current, options);
  // A file no plugin came from: a new plugin.
  ReloadEvent event;
  event.file = canonical;
  std::lock_guard reloading(reload_mutex_);
  if (options.validate_in_child) {
    std::vector<registry::ScanOutcome> outcome = registry::scan_plugins({canonical}, options.scan);
    if (outcome.empty() || outcome.front().record.bad) {
      event.reason = outcome.empty() ? "the scanner gave no answer" : outcome.front().record.reason;
      return emit(std::move(event));
    }
  }
  try {
    std::shared_ptr<Plugin> plugin = load_plugin(canonical);
    event.kind = ReloadEvent::Kind::Loaded;
    event.plugin = plugin->name();
    event.version = plugin->version();
    event.generation = plugin->generation();
    event.content_hash = plugin->content_hash();
    epoch_.fetch_add(1, std::memory_order_acq_rel);
  } catch (const PluginLoadError& e) {
    event.reason = e.what();
  }
  return emit(std::move(event));
}

ReloadEvent Host::reload_plugin(const std::shared_ptr<Plugin>& current, const ReloadOptions& options) {
  std::lock_guard reloading(reload_mutex_);
  ReloadEvent event;
  event.plugin = current->name();
  event.file = current->path();
  auto refused = [&](std::string reason) {
    event.kind = ReloadEvent::Kind::Refused;
    event.reason = std::move(reason);
    return emit(std::move(event));
  };
  // The hash first: an unchanged file is not loaded again.
  std::string hash;
  try {
    hash = registry::hash_text(registry::file_content_hash(current->path()));
  } catch (const registry::RegistryError& e) {
    return refused(e.what());
  }
  if (hash == current->content_hash()) {
    event.kind = ReloadEvent::Kind::Unchanged;
    event.version = current->version();
    event.generation = current->generation();
    event.content_hash = hash;
    return emit(std::move(event));
  }
  bool locked;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    locked = lock_.has_value();
  }
  try {
    if (locked) check_lock_hash(current->path(), current->name(), hash);
  } catch (const PluginLoadError& e) {
    return refused(e.what());
  }
  if (options.validate_in_child) {
    std::vector<registry::ScanOutcome> outcome = registry::scan_plugins({current->path()}, options.scan);
    if (outcome.empty()) return refused("the plugin scanner gave no answer");
    if (outcome.front().record.bad)
      return refused("the new build failed in the plugin scanner: " + outcome.front().record.reason);
  }
  std::shared_ptr<Plugin> next;
  try {
    next = Plugin::load(current->path(), current->generation() + 1);
  } catch (const PluginLoadError& e) {
    return refused(e.what());
  }
  if (next->name() != current->name()) {
    return refused("the new build calls itself '" + next->name() + "', not '" + current->name() + "'");
  }
  // What was validated and locked is what was loaded (the file may have
  // changed again meanwhile: then the lock decides on the loaded bytes).
  try {
    if (locked) check_lock_hash(current->path(), next->name(), next->content_hash());
  } catch (const PluginLoadError& e) {
    return refused(e.what());
  }
  watch_release(*next);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& plugin : plugins_) {
      if (plugin == current) plugin = next;
    }
    retired_.erase(std::remove_if(retired_.begin(), retired_.end(), [](const auto& w) { return w.expired(); }),
                   retired_.end());
    retired_.push_back(current);
  }
  epoch_.fetch_add(1, std::memory_order_acq_rel);
  event.kind = ReloadEvent::Kind::Loaded;
  event.version = next->version();
  event.generation = next->generation();
  event.content_hash = next->content_hash();
  return emit(std::move(event));
}

std::vector<PluginGeneration> Host::generations() const {
  std::vector<PluginGeneration> out;
  auto describe = [&](const Plugin& plugin, bool current) {
    PluginGeneration g;
    g.name = plugin.name();
    g.version = plugin.version();
    g.generation = plugin.generation();
    g.content_hash = plugin.content_hash();
    g.file = plugin.path();
    g.current = current;
    g.unloadable = plugin.unloadable();
    g.resident_reason = plugin.resident_reason();
    out.push_back(std::move(g));
  };
  std::vector<std::shared_ptr<Plugin>> current, old;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    current = plugins_;
    for (const auto& weak : retired_) {
      if (auto plugin = weak.lock()) old.push_back(std::move(plugin));
    }
  }
  for (const auto& plugin : current) describe(*plugin, true);
  for (const auto& plugin : old) describe(*plugin, false);
  return out;
}

}  // namespace brick::host
