#include "library_reaper.h"

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <thread>

#include "brick/host/base/log.h"

namespace brick::host::detail {

namespace {

// Never destroyed: generations may be released during static destruction
// (a static Host, a tensor freed at exit), after a destroyed queue would be
// gone. The thread is detached for the same reason; at exit the process's
// mappings go with it.
struct Reaper {
  std::mutex mutex;
  std::condition_variable wake, idle;
  std::deque<std::function<void()>> jobs;
  bool busy = false;
  bool started = false;
  std::thread::id thread;

  void run() {
    std::unique_lock lock(mutex);
    for (;;) {
      wake.wait(lock, [&] { return !jobs.empty(); });
      std::function<void()> job = std::move(jobs.front());
      jobs.pop_front();
      busy = true;
      lock.unlock();
      try {
        job();
      } catch (const std::exception& e) {
        log_warning(std::string("unloading a plugin failed: ") + e.what());
      }
      job = nullptr;
      lock.lock();
      busy = false;
      if (jobs.empty()) idle.notify_all();
    }
  }
};

std::atomic<bool> g_exiting{false};

Reaper& reaper() {
  static Reaper* instance = [] {
    std::atexit([] { g_exiting = true; });
    return new Reaper();
  }();
  return *instance;
}

}  // namespace

void reap(std::function<void()> job) {
  Reaper& r = reaper();
  std::lock_guard lock(r.mutex);
  if (!r.started) {
    std::thread thread([&r] { r.run(); });
    r.thread = thread.get_id();
    thread.detach();
    r.started = true;
  }
  r.jobs.push_back(std::move(job));
  r.wake.notify_one();
}

void wait_for_reaper() {
  Reaper& r = reaper();
  std::unique_lock lock(r.mutex);
  if (r.started && std::this_thread::get_id() == r.thread) return;  // a job's listener: it cannot wait for itself
  r.idle.wait(lock, [&] { return r.jobs.empty() && !r.busy; });
}

bool process_exiting() {
  (void)reaper();  // registers the atexit hook on first use
  return g_exiting.load();
}

std::recursive_mutex& library_mutex() {
  static std::recursive_mutex* mutex = new std::recursive_mutex();
  return *mutex;
}

}  // namespace brick::host::detail
