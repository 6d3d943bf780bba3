// PluginWatcher: tells a running host that a plugin file in its plugin
// folders changed, once the writing is over. It watches the folders with
// inotify (the kernel API, no dependency) and reports the changed files
// once the folders have been quiet for `debounce`, so a copy written in
// several chunks, or an `install` that writes a temporary name and renames
// it over, is one change, and plugins installed together are one batch. The callback runs on the watcher's own thread;
// what to do with a change (scan it, check the lock, reload) is the host's business.
//
//   PluginWatcher watcher(PluginSearch{}.search_dirs(), [&](const std::vector<PluginChange>& changes) {
//     for (const PluginChange& change : changes) log_warning("changed: " + change.file.string());
//   });
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

namespace brick::host {

struct PluginChange {
  enum class Kind {
    Changed,  // created, written, or renamed into the folder
    Removed,  // deleted, or renamed away
  };
  std::filesystem::path file;
  Kind kind = Kind::Changed;
};

class PluginWatcher {
 public:
  using Callback = std::function<void(const std::vector<PluginChange>& changes)>;

  // Watches `dirs` (those that exist; a missing one is logged and skipped)
  // for shared objects (*.so) and calls `on_change` with the files changed
  // since the last call once no event has come for `debounce`. Throws
  // Error(BRICK_ERR_UNSUPPORTED) when inotify is not available.
  PluginWatcher(std::vector<std::filesystem::path> dirs, Callback on_change,
                std::chrono::milliseconds debounce = std::chrono::milliseconds(200));
  // Stops the thread; a callback in progress finishes first.
  ~PluginWatcher();
  PluginWatcher(const PluginWatcher&) = delete;
  PluginWatcher& operator=(const PluginWatcher&) = delete;

  // The folders actually watched.
  const std::vector<std::filesystem::path>& dirs() const;
  std::chrono::milliseconds debounce() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace brick::host
