#include "brick/host/loader/hot_reloader.h"

#include "brick/host/base/log.h"

namespace brick::host {

HotReloader::HotReloader(Host& host, std::vector<std::filesystem::path> dirs, ReloadListener on_event,
                         HotReloadOptions options) {
  if (on_event) host.set_reload_listener(std::move(on_event));
  ReloadOptions reload = options.reload;
  watcher_ = std::make_unique<PluginWatcher>(
      std::move(dirs),
      [&host, reload](const std::vector<PluginChange>& changes) {
        for (const PluginChange& change : changes) {
          if (change.kind == PluginChange::Kind::Removed) {
            // Nothing to load; what was loaded from it keeps serving.
            log(LogLevel::Info, "brick",
                "plugin file " + change.file.string() + " was removed; its loaded generation keeps serving");
            continue;
          }
          host.reload_file(change.file, reload);  // logged and reported by the host
        }
      },
      options.debounce);
}

HotReloader::~HotReloader() = default;

const std::vector<std::filesystem::path>& HotReloader::dirs() const { return watcher_->dirs(); }
std::chrono::milliseconds HotReloader::debounce() const { return watcher_->debounce(); }

}  // namespace brick::host
