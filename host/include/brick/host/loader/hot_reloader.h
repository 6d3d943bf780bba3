// HotReloader: a host that picks up new builds of its plugins by itself
// (docs/hot-reload.md). It watches plugin folders with PluginWatcher
// (inotify, debounced) and hands each changed file to Host::reload_file,
// by default validated first in the registry's scanner child process (a
// build that crashes, hangs, has the wrong ABI, lacks its entry point or an
// undefined symbol is refused with the reason; the current generation keeps
// serving) and checked against the host's lock file when it uses one.
//
//   brick::host::HotReloader reloader(host, {"/opt/brick/plugins"}, [](const brick::host::ReloadEvent& e) {
//     std::cerr << e.message() << "\n";   // loaded, unchanged, refused, unloaded, kept
//   });
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <vector>

#include "brick/host/loader/host.h"
#include "brick/host/loader/plugin_watcher.h"

namespace brick::host {

struct HotReloadOptions {
  std::chrono::milliseconds debounce{200};
  ReloadOptions reload = [] {
    ReloadOptions options;
    options.validate_in_child = true;
    return options;
  }();
};

class HotReloader {
 public:
  // Starts watching. `on_event`, when given, becomes the host's reload
  // listener (Host::set_reload_listener): it gets every reload's outcome and
  // the release of old generations. Throws Error(BRICK_ERR_UNSUPPORTED)
  // without inotify. The host must outlive the reloader.
  HotReloader(Host& host, std::vector<std::filesystem::path> dirs, ReloadListener on_event = {},
              HotReloadOptions options = {});
  // Stops watching; a reload in progress finishes first.
  ~HotReloader();
  HotReloader(const HotReloader&) = delete;
  HotReloader& operator=(const HotReloader&) = delete;

  const std::vector<std::filesystem::path>& dirs() const;
  std::chrono::milliseconds debounce() const;

 private:
  std::unique_ptr<PluginWatcher> watcher_;
};

}  // namespace brick::host
