#include "brick/host/loader/plugin_watcher.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <thread>

#include "brick/host/base/error.h"
#include "brick/host/base/log.h"

namespace brick::host {

namespace {

using Clock = std::chrono::steady_clock;

// Every write (so a long copy keeps the folder busy), its end, a rename into
// or out of the folder, a new or vanished file.
constexpr uint32_t kEvents =
    IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_ATTRIB;

bool is_plugin_file(std::string_view name) { return name.size() > 3 && name.substr(name.size() - 3) == ".so"; }

}  // namespace

struct PluginWatcher::Impl {
  std::vector<std::filesystem::path> dirs;
  Callback on_change;
  std::chrono::milliseconds debounce;
  int inotify = -1;
  int stop = -1;  // an eventfd the destructor writes to
  std::map<int, std::filesystem::path> watches;
  // The files touched since the last batch, and when the folder was last
  // touched: a batch goes out once every folder has been quiet for
  // `debounce` (several plugins installed together are one batch).
  std::map<std::filesystem::path, PluginChange::Kind> pending;
  Clock::time_point last_event;
  std::thread thread;

  void read_events() {
    alignas(inotify_event) char buffer[16 * 1024];
    for (;;) {
      ssize_t n = ::read(inotify, buffer, sizeof buffer);
      if (n <= 0) return;  // EAGAIN: drained
      for (char* p = buffer; p < buffer + n;) {
        auto* event = reinterpret_cast<inotify_event*>(p);
        p += sizeof(inotify_event) + event->len;
        if (event->mask & IN_Q_OVERFLOW) {
          log_warning("plugin watcher: the kernel dropped events; some changes may be missed");
          continue;
        }
        auto dir = watches.find(event->wd);
        if (dir == watches.end() || event->len == 0 || !is_plugin_file(event->name)) continue;
        bool removed = event->mask & (IN_DELETE | IN_MOVED_FROM);
        pending[dir->second / event->name] = removed ? PluginChange::Kind::Removed : PluginChange::Kind::Changed;
        last_event = Clock::now();
      }
    }
  }

  // Every pending change once the folders have been quiet for `debounce`.
  std::vector<PluginChange> take_quiet(Clock::time_point now) {
    std::vector<PluginChange> quiet;
    if (pending.empty() || now - last_event < debounce) return quiet;
    for (const auto& [file, kind] : pending) quiet.push_back({file, kind});
    pending.clear();
    return quiet;
  }

  int timeout_ms(Clock::time_point now) const {
    if (pending.empty()) return -1;
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(last_event + debounce - now).count();
    return static_cast<int>(std::max<int64_t>(wait, 0) + 1);
  }

  void run() {
    pollfd fds[2] = {{inotify, POLLIN, 0}, {stop, POLLIN, 0}};
    for (;;) {
      int ready = ::poll(fds, 2, timeout_ms(Clock::now()));
      if (ready < 0 && errno != EINTR) {
        log_error(std::string("plugin watcher stopped: poll: ") + std::strerror(errno));
        return;
      }
      if (fds[1].revents) return;
      if (fds[0].revents & POLLIN) read_events();
      std::vector<PluginChange> quiet = take_quiet(Clock::now());
      if (quiet.empty()) continue;
      try {
        on_change(quiet);
      } catch (const std::exception& e) {
        log_error(std::string("plugin watcher: the change callback failed: ") + e.what());
      } catch (...) {
        log_error("plugin watcher: the change callback failed");
      }
    }
  }
};

PluginWatcher::PluginWatcher(std::vector<std::filesystem::path> dirs, Callback on_change,
                             std::chrono::milliseconds debounce)
    : impl_(std::make_unique<Impl>()) {
  impl_->on_change = std::move(on_change);
  impl_->debounce = debounce;
  impl_->inotify = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (impl_->inotify < 0)
    throw Error(BRICK_ERR_UNSUPPORTED, std::string("cannot watch plugin folders: inotify: ") + std::strerror(errno));
  impl_->stop = ::eventfd(0, EFD_CLOEXEC);
  if (impl_->stop < 0) {
    ::close(impl_->inotify);
    throw Error(BRICK_ERR_UNSUPPORTED, std::string("cannot watch plugin folders: eventfd: ") + std::strerror(errno));
  }
  for (const std::filesystem::path& dir : dirs) {
    int wd = ::inotify_add_watch(impl_->inotify, dir.c_str(), kEvents | IN_ONLYDIR);
    if (wd < 0) {
      log_warning("plugin watcher: not watching " + dir.string() + ": " + std::strerror(errno));
      continue;
    }
    impl_->watches[wd] = dir;
    impl_->dirs.push_back(dir);
  }
  impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

PluginWatcher::~PluginWatcher() {
  uint64_t one = 1;
  if (::write(impl_->stop, &one, sizeof one) < 0) {
    // The eventfd cannot be full with one write; nothing else can fail here.
  }
  impl_->thread.join();
  ::close(impl_->inotify);
  ::close(impl_->stop);
}

const std::vector<std::filesystem::path>& PluginWatcher::dirs() const { return impl_->dirs; }
std::chrono::milliseconds PluginWatcher::debounce() const { return impl_->debounce; }

}  // namespace brick::host
