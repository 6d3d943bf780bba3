#include "plugin_reloads.h"

#include <algorithm>
#include <set>
#include <system_error>

#include "brick/host/base/log.h"
#include "catalog.h"
#include "http_error.h"
#include "metrics.h"

namespace brick::serve {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

constexpr size_t kKeptEvents = 32;

bool same_file(const fs::path& a, const fs::path& b) {
  std::error_code error;
  fs::path ca = fs::weakly_canonical(a, error);
  if (error) ca = a;
  fs::path cb = fs::weakly_canonical(b, error);
  if (error) cb = b;
  return ca == cb;
}

}  // namespace

PluginReloads::PluginReloads(Catalog& catalog, Metrics* metrics, bool validate,
                             std::function<void(const std::string&)> also)
    : catalog_(catalog), metrics_(metrics), validate_(validate), also_(std::move(also)) {}

PluginReloads::~PluginReloads() { watcher_.reset(); }  // its callback uses the rest

std::vector<host::ReloadEvent> PluginReloads::reload_everywhere(const std::string& name) {
  std::vector<host::ReloadEvent> events;
  bool validated = !validate_;
  bool published = false;
  for (host::Host* host : catalog_.hosts()) {
    if (!host->find_plugin(name)) continue;
    host::ReloadOptions options;
    options.validate_in_child = !validated;
    host::ReloadEvent event = host->reload(name, options);
    validated = true;
    record(event);
    events.push_back(event);
    if (event.kind == host::ReloadEvent::Kind::Refused) break;  // the others keep the current build too
    published = published || event.kind == host::ReloadEvent::Kind::Loaded;
  }
  if (metrics_ && !events.empty()) {
    if (events.back().kind == host::ReloadEvent::Kind::Refused)
      metrics_->plugin_reload(false);
    else if (published)
      metrics_->plugin_reload(true);
  }
  if (published && also_) also_(name);
  return events;
}

std::vector<host::ReloadEvent> PluginReloads::reload(const std::optional<std::string>& name) {
  std::lock_guard lock(reload_mutex_);
  std::vector<std::string> names;
  for (host::Host* host : catalog_.hosts()) {
    for (const auto& plugin : host->plugins()) {
      if (std::find(names.begin(), names.end(), plugin->name()) == names.end()) names.push_back(plugin->name());
    }
  }
  if (name) {
    if (std::find(names.begin(), names.end(), *name) == names.end()) {
      std::string loaded;
      for (const std::string& n : names) loaded += (loaded.empty() ? "" : ", ") + n;
      throw HttpError(404, "unknown_plugin",
                      "no loaded plugin '" + *name + "' (loaded: " + (loaded.empty() ? "none" : loaded) + ")");
    }
    names = {*name};
  }
  std::vector<host::ReloadEvent> events;
  for (const std::string& plugin : names) {
    std::vector<host::ReloadEvent> some = reload_everywhere(plugin);
    // One answer per plugin: the first host's says what happened to the build.
    if (!some.empty())
      events.push_back(some.front().kind == host::ReloadEvent::Kind::Refused ? some.front() : some.back());
  }
  return events;
}

void PluginReloads::changed(const std::vector<host::PluginChange>& changes) {
  std::lock_guard lock(reload_mutex_);
  std::set<std::string> names;
  for (const host::PluginChange& change : changes) {
    if (change.kind == host::PluginChange::Kind::Removed) {
      host::log(host::LogLevel::Info, "brick serve",
                change.file.string() + " was removed: its plugin's current generation keeps serving");
      continue;
    }
    for (host::Host* host : catalog_.hosts()) {
      for (const auto& plugin : host->plugins()) {
        if (same_file(plugin->path(), change.file)) names.insert(plugin->name());
      }
    }
  }
  for (const std::string& name : names) reload_everywhere(name);
}

void PluginReloads::watch(const std::vector<fs::path>& dirs, std::chrono::milliseconds debounce) {
  watcher_ = std::make_unique<host::PluginWatcher>(
      dirs, [this](const std::vector<host::PluginChange>& changes) { changed(changes); }, debounce);
}

bool PluginReloads::watching() const { return watcher_ != nullptr; }

void PluginReloads::record(const host::ReloadEvent& event) {
  json::object entry{{"event", host::ReloadEvent::kind_name(event.kind)},
                     {"plugin", event.plugin},
                     {"version", event.version},
                     {"generation", event.generation},
                     {"file", event.file.string()},
                     {"message", event.message()}};
  if (!event.reason.empty()) entry["reason"] = event.reason;
  std::lock_guard lock(events_mutex_);
  events_.push_back(std::move(entry));
  while (events_.size() > kKeptEvents) events_.pop_front();
}

json::array PluginReloads::recent_events() const {
  std::lock_guard lock(events_mutex_);
  return json::array(events_.begin(), events_.end());
}

}  // namespace brick::serve
