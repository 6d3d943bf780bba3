// RunManager: the queue of runs, the workers that take runs off it, and the
// record of every run (status, progress, result, its event stream). A worker
// is a thread with an Executor: its own pipelines in this process
// (Isolation::None) or a supervised worker process (Isolation::Process).
#pragma once

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "brick/serve/server.h"
#include "job.h"
#include "metrics.h"

namespace brick::serve {

// Runs jobs for one worker.
class Executor {
 public:
  virtual ~Executor() = default;
  // Loads the worker's pipelines; throws when it cannot.
  virtual void prepare() = 0;
  virtual JobOutcome execute(const Job& job, const JobEvents& events,
                             std::shared_ptr<const std::atomic<bool>> cancel) = 0;
  // After a run's outcome is published: get ready for the next run (a
  // worker process that died is started again here, not while its run's
  // client waits).
  virtual void recover() {}
  // The worker's process id (Isolation::Process), else -1: its memory counts
  // in the server's metrics.
  virtual int pid() const { return -1; }
  // A new build of `plugin` was published (plugin_reloads.h): a worker
  // process reloads it in its own hosts. Called from another thread than
  // execute's. In-process workers share the server's hosts: nothing to do.
  virtual void reload(const std::string& plugin) { (void)plugin; }
};

class RunRecord {
 public:
  enum class Status { Queued, Running, Done, Failed, Cancelled };

  RunRecord(Job job, std::chrono::steady_clock::time_point epoch);

  const std::string& id() const { return job_.id; }
  const Job& job() const { return job_; }
  Status status() const;
  bool finished() const;
  // The answer of GET /runs/{id} (and of a waited POST /runs).
  boost::json::object to_json() const;
  // The PNG file of the k-th image of a finished run ("" when none).
  std::string image_file(size_t k) const;
  // How it ended (meaningful once finished()), with the files' real paths.
  JobOutcome outcome() const;

  // The event stream: the SSE text of the events after number `seen` into
  // `out`, `seen` moved to the last; true when the stream has ended (done,
  // failed, cancelled). A progress event replaces the progress event before
  // it when nothing came between: a late or slow reader gets the latest
  // progress, not every step, and a long loop does not grow the log.
  bool events_since(uint64_t& seen, std::vector<std::string>& out) const;
  // `wake` is called (on the thread making the event) after every new event.
  void subscribe(std::function<void()> wake);

  // For the manager and its workers.
  void set_running(int worker);
  void set_progress(int64_t done, int64_t total, const std::string& source);
  void finish(JobOutcome outcome);
  std::shared_ptr<std::atomic<bool>> cancel_flag() const { return cancel_; }

 private:
  void push_event(const std::string& name, const boost::json::value& data, std::unique_lock<std::mutex>& lock);
  double seconds(std::chrono::steady_clock::time_point t) const;

  Job job_;
  std::chrono::steady_clock::time_point epoch_;
  mutable std::mutex mutex_;
  Status status_ = Status::Queued;
  int worker_ = -1;
  int64_t done_ = 0, total_ = 0;
  std::string source_;
  JobOutcome outcome_;
  struct Event {
    uint64_t number;
    bool progress;
    std::string text;
  };
  std::vector<Event> events_;
  uint64_t event_count_ = 0;
  bool closed_ = false;
  std::vector<std::function<void()>> listeners_;
  std::shared_ptr<std::atomic<bool>> cancel_ = std::make_shared<std::atomic<bool>>(false);
  std::chrono::steady_clock::time_point created_, started_, finished_;
};

class RunManager {
 public:
  using ExecutorFactory = std::function<std::unique_ptr<Executor>(int worker)>;

  RunManager(const ServeOptions& options, ExecutorFactory factory, Metrics& metrics);
  ~RunManager();

  // Starts the workers; each prepares its executor. ready() once all have.
  void start();
  bool ready() const;
  // Blocks until ready; throws the first preparation error.
  void wait_ready();
  std::string preparation_error() const;

  // Queues a run (its id is made here); HttpError 429 when the queue is
  // full, 503 when not ready or stopping.
  std::shared_ptr<RunRecord> submit(Job job);
  std::shared_ptr<RunRecord> find(const std::string& id) const;
  // Drops a queued run or asks a running one to stop; false for an unknown id.
  bool cancel(const std::string& id);
  size_t queued() const;
  // Runs executing on a worker now.
  size_t running() const;
  // Nothing queued and nothing running.
  bool idle() const;
  // The process ids of the worker processes (Isolation::Process).
  std::vector<int> worker_pids() const;
  // Executor::reload on every worker.
  void reload_workers(const std::string& plugin);
  // From now on submit() answers 503 "draining"; queued runs still run.
  void set_draining();
  // Finish: workers finish every queued run; Cancel: queued runs are dropped
  // and running ones cancelled. Joins the workers.
  void stop(StopMode mode);

  const std::string& run_dir() const { return run_dir_; }

 private:
  void worker_loop(int worker);
  std::string new_id();
  void count_finished(const RunRecord& record);

  ServeOptions options_;
  ExecutorFactory factory_;
  Metrics& metrics_;
  std::chrono::steady_clock::time_point epoch_ = std::chrono::steady_clock::now();
  std::string run_dir_;
  mutable std::mutex mutex_;
  std::condition_variable work_;
  std::condition_variable ready_changed_;
  std::deque<std::shared_ptr<RunRecord>> queue_;
  std::map<std::string, std::shared_ptr<RunRecord>> runs_;
  std::deque<std::string> finished_order_;
  std::vector<std::thread> threads_;
  std::map<int, Executor*> executors_;  // by worker, while its thread holds it
  size_t running_ = 0;
  int prepared_ = 0;
  std::string preparation_error_;
  bool stopping_ = false;
  bool draining_ = false;
  uint64_t counter_ = 0;
  uint64_t salt_;
};

}  // namespace brick::serve
