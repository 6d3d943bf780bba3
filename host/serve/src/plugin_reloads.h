// PluginReloads: a server's side of hot reload (docs/hot-reload.md,
// docs/serve.md "Hot reload"). Every pipeline of the catalog, and every block
// a request opened, has a Host of its own, each holding its generation of
// the plugins it uses. A reload validates the new build once, in the
// registry's scanner child process (a build that crashes, hangs or is
// refused by the loader never runs a line here), then publishes it in every
// host that has the plugin: each worker's pipelines switch at their next run
// while runs in flight finish on the generation they started with. Under
// process isolation the workers are told to reload too (their own hosts).
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "brick/host/loader/host.h"
#include "brick/host/loader/plugin_watcher.h"

namespace brick::serve {

class Catalog;
class Metrics;

class PluginReloads {
 public:
  // `also`, when set, is told of every plugin a reload published (the
  // process workers' reload); `validate` runs new builds in the scanner
  // child first (a worker process leaves it to its server).
  PluginReloads(Catalog& catalog, Metrics* metrics, bool validate,
                std::function<void(const std::string& plugin)> also = {});
  ~PluginReloads();

  // POST /plugins/reload: the plugin `name`, or every loaded plugin whose
  // file changed when none is named. HttpError 404 for a plugin no host has.
  std::vector<host::ReloadEvent> reload(const std::optional<std::string>& name);
  // Watches `dirs` and reloads the plugins loaded from files that change
  // there (debounced); files no host loaded are left alone.
  void watch(const std::vector<std::filesystem::path>& dirs, std::chrono::milliseconds debounce);
  bool watching() const;
  // The latest events (newest last), for GET /plugins.
  boost::json::array recent_events() const;

 private:
  void changed(const std::vector<host::PluginChange>& changes);
  // Publishes in every host holding `name`: the first validates, the others
  // load the same bytes; stops at the first refusal.
  std::vector<host::ReloadEvent> reload_everywhere(const std::string& name);
  void record(const host::ReloadEvent& event);

  Catalog& catalog_;
  Metrics* metrics_;
  bool validate_;
  std::function<void(const std::string&)> also_;
  std::mutex reload_mutex_;  // one reload at a time
  mutable std::mutex events_mutex_;
  std::deque<boost::json::object> events_;
  std::unique_ptr<host::PluginWatcher> watcher_;
};

}  // namespace brick::serve
