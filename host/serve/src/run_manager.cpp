#include "run_manager.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <random>

#include "brick/host/base/log.h"
#include "http_error.h"

namespace brick::serve {

namespace json = boost::json;

namespace {

const char* status_name(RunRecord::Status status) {
  switch (status) {
    case RunRecord::Status::Queued:
      return "queued";
    case RunRecord::Status::Running:
      return "running";
    case RunRecord::Status::Done:
      return "done";
    case RunRecord::Status::Failed:
      return "failed";
    case RunRecord::Status::Cancelled:
      return "cancelled";
  }
  return "unknown";
}

}  // namespace

RunRecord::RunRecord(Job job, std::chrono::steady_clock::time_point epoch)
    : job_(std::move(job)), epoch_(epoch), created_(std::chrono::steady_clock::now()) {}

double RunRecord::seconds(std::chrono::steady_clock::time_point t) const {
  return std::chrono::duration<double>(t - epoch_).count();
}

RunRecord::Status RunRecord::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

bool RunRecord::finished() const {
  std::lock_guard lock(mutex_);
  return status_ == Status::Done || status_ == Status::Failed || status_ == Status::Cancelled;
}

json::object RunRecord::to_json() const {
  std::lock_guard lock(mutex_);
  json::object out{{"id", job_.id},
                   {job_.is_block ? "block" : "pipeline", job_.target},
                   {"status", status_name(status_)},
                   {"progress", json::object{{"step", done_}, {"total", total_}, {"source", source_}}}};
  json::object times{{"created", seconds(created_)}};
  if (status_ != Status::Queued && started_.time_since_epoch().count() != 0) times["started"] = seconds(started_);
  if (finished_.time_since_epoch().count() != 0) times["finished"] = seconds(finished_);
  out["times"] = times;
  if (worker_ >= 0) out["worker"] = worker_;
  if (status_ == Status::Done) {
    json::object outputs = outcome_.outputs;
    json::array urls;
    for (size_t k = 0; k < outcome_.images.size(); ++k)
      urls.push_back(json::string("/runs/" + job_.id + "/images/" + std::to_string(k) + ".png"));
    // The files a run wrote are the server's; clients get their URLs.
    if (outputs.contains("image_paths")) outputs["image_paths"] = urls;
    out["result"] = json::object{{"outputs", outputs}, {"images", urls}};
  } else if (status_ == Status::Failed || status_ == Status::Cancelled) {
    json::object error{{"code", outcome_.error_code}, {"message", outcome_.error_message}};
    if (!outcome_.block.empty()) error["block"] = outcome_.block;
    out["error"] = error;
  }
  return out;
}

std::string RunRecord::image_file(size_t k) const {
  std::lock_guard lock(mutex_);
  if (status_ != Status::Done || k >= outcome_.images.size()) return {};
  return outcome_.images[k];
}

JobOutcome RunRecord::outcome() const {
  std::lock_guard lock(mutex_);
  return outcome_;
}

bool RunRecord::events_since(uint64_t& seen, std::vector<std::string>& out) const {
  std::lock_guard lock(mutex_);
  for (const Event& event : events_) {
    if (event.number > seen) {
      out.push_back(event.text);
      seen = event.number;
    }
  }
  return closed_;
}

void RunRecord::subscribe(std::function<void()> wake) {
  std::unique_lock lock(mutex_);
  if (closed_) {
    lock.unlock();
    wake();
    return;
  }
  listeners_.push_back(std::move(wake));
}

void RunRecord::push_event(const std::string& name, const json::value& data, std::unique_lock<std::mutex>& lock) {
  bool progress = name == "progress";
  if (progress && !events_.empty() && events_.back().progress) events_.pop_back();
  events_.push_back({++event_count_, progress, "event: " + name + "\ndata: " + json::serialize(data) + "\n\n"});
  std::vector<std::function<void()>> wake = listeners_;
  if (closed_) listeners_.clear();
  lock.unlock();
  for (auto& f : wake) f();
  lock.lock();
}

void RunRecord::set_running(int worker) {
  std::unique_lock lock(mutex_);
  status_ = Status::Running;
  worker_ = worker;
  started_ = std::chrono::steady_clock::now();
  push_event("running", json::object{{"run", job_.id}, {"worker", worker}}, lock);
}

void RunRecord::set_progress(int64_t done, int64_t total, const std::string& source) {
  std::unique_lock lock(mutex_);
  done_ = done;
  total_ = total;
  source_ = source;
  push_event("progress", json::object{{"run", job_.id}, {"step", done}, {"total", total}, {"source", source}}, lock);
}

void RunRecord::finish(JobOutcome outcome) {
  std::string event;
  {
    std::lock_guard lock(mutex_);
    outcome_ = std::move(outcome);
    status_ = outcome_.status == JobOutcome::Status::Done     ? Status::Done
              : outcome_.status == JobOutcome::Status::Failed ? Status::Failed
                                                              : Status::Cancelled;
    finished_ = std::chrono::steady_clock::now();
    event = status_name(status_);
  }
  json::object data = to_json();
  std::unique_lock lock(mutex_);
  closed_ = true;
  push_event(event, data, lock);
}

RunManager::RunManager(const ServeOptions& options, ExecutorFactory factory, Metrics& metrics)
    : options_(options), factory_(std::move(factory)), metrics_(metrics), salt_(std::random_device{}()) {
  if (options_.run_dir.empty()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "brick-serve-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a folder for the runs' files in " + pattern);
    run_dir_ = pattern;
  } else {
    std::filesystem::create_directories(options_.run_dir);
    run_dir_ = options_.run_dir.string();
  }
}

RunManager::~RunManager() {
  stop(StopMode::Cancel);
  if (options_.run_dir.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(run_dir_, ignored);
  }
}

void RunManager::start() {
  int workers = std::max(1, options_.workers);
  // Under the lock: ready() may be asked meanwhile (GET /health).
  std::lock_guard lock(mutex_);
  for (int w = 0; w < workers; ++w) threads_.emplace_back([this, w] { worker_loop(w); });
}

bool RunManager::ready() const {
  std::lock_guard lock(mutex_);
  return prepared_ == static_cast<int>(threads_.size()) && !threads_.empty() && preparation_error_.empty();
}

std::string RunManager::preparation_error() const {
  std::lock_guard lock(mutex_);
  return preparation_error_;
}

void RunManager::wait_ready() {
  std::unique_lock lock(mutex_);
  ready_changed_.wait(lock, [&] {
    return !preparation_error_.empty() || (prepared_ == static_cast<int>(threads_.size()) && !threads_.empty());
  });
  if (!preparation_error_.empty()) throw std::runtime_error(preparation_error_);
}

std::string RunManager::new_id() {
  // Not guessable from another run's id: a counter mixed with a random salt.
  uint64_t n = ++counter_;
  uint64_t x = (n * 0x9E3779B97F4A7C15ull) ^ salt_;
  x ^= x >> 29;
  char text[32];
  snprintf(text, sizeof text, "r%llu-%08llx", static_cast<unsigned long long>(n),
           static_cast<unsigned long long>(x & 0xffffffffull));
  return text;
}

std::shared_ptr<RunRecord> RunManager::submit(Job job) {
  std::lock_guard lock(mutex_);
  if (stopping_) throw HttpError(503, "stopping", "the server is shutting down");
  if (draining_) {
    throw HttpError(503, "draining",
                    "the server is draining (shutting down once the runs it took finish): send this run to another "
                    "replica");
  }
  if (prepared_ != static_cast<int>(threads_.size()) || !preparation_error_.empty())
    throw HttpError(503, "not_ready", "the server is still loading its pipelines (GET /health says when it is ready)");
  if (queue_.size() >= options_.queue_size) {
    throw HttpError(429, "queue_full",
                    "the queue is full (" + std::to_string(queue_.size()) + " runs waiting, --queue-size " +
                        std::to_string(options_.queue_size) + "); retry later");
  }
  job.id = new_id();
  job.dir = (std::filesystem::path(run_dir_) / job.id).string();
  auto record = std::make_shared<RunRecord>(std::move(job), epoch_);
  runs_.emplace(record->id(), record);
  queue_.push_back(record);
  work_.notify_one();
  return record;
}

std::shared_ptr<RunRecord> RunManager::find(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto it = runs_.find(id);
  return it == runs_.end() ? nullptr : it->second;
}

bool RunManager::cancel(const std::string& id) {
  std::shared_ptr<RunRecord> record;
  bool was_queued = false;
  {
    std::lock_guard lock(mutex_);
    auto it = runs_.find(id);
    if (it == runs_.end()) return false;
    record = it->second;
    for (auto q = queue_.begin(); q != queue_.end(); ++q) {
      if (*q == record) {
        queue_.erase(q);
        was_queued = true;
        break;
      }
    }
    if (was_queued) finished_order_.push_back(id);
  }
  record->cancel_flag()->store(true);
  if (was_queued) {
    JobOutcome outcome;
    outcome.status = JobOutcome::Status::Cancelled;
    outcome.error_code = "cancelled";
    outcome.error_message = "run " + id + " was cancelled before it started";
    record->finish(std::move(outcome));
    count_finished(*record);
  }
  return true;
}

size_t RunManager::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void RunManager::set_draining() {
  std::lock_guard lock(mutex_);
  draining_ = true;
}

size_t RunManager::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

bool RunManager::idle() const {
  std::lock_guard lock(mutex_);
  return queue_.empty() && running_ == 0;
}

std::vector<int> RunManager::worker_pids() const {
  std::lock_guard lock(mutex_);
  std::vector<int> pids;
  for (const auto& [worker, executor] : executors_) {
    int pid = executor->pid();
    if (pid > 0) pids.push_back(pid);
  }
  return pids;
}

void RunManager::reload_workers(const std::string& plugin) {
  std::lock_guard lock(mutex_);
  for (const auto& [worker, executor] : executors_) executor->reload(plugin);
}

void RunManager::count_finished(const RunRecord& record) {
  json::object state = record.to_json();
  std::string status(state["status"].as_string());
  double seconds = -1;
  if (const json::value* times = state.if_contains("times")) {
    const json::object& t = times->as_object();
    if (t.contains("started") && t.contains("finished"))
      seconds = t.at("finished").to_number<double>() - t.at("started").to_number<double>();
  }
  metrics_.run_finished(status, seconds);
}

void RunManager::worker_loop(int worker) {
  std::unique_ptr<Executor> executor;
  try {
    executor = factory_(worker);
    executor->prepare();
  } catch (const std::exception& e) {
    std::lock_guard lock(mutex_);
    if (preparation_error_.empty())
      preparation_error_ = std::string("worker ") + std::to_string(worker) + ": " + e.what();
    ready_changed_.notify_all();
    return;
  }
  {
    std::lock_guard lock(mutex_);
    ++prepared_;
    executors_[worker] = executor.get();
    ready_changed_.notify_all();
  }
  struct Unlist {  // the executor leaves the list before it is destroyed
    RunManager& manager;
    int worker;
    ~Unlist() {
      std::lock_guard lock(manager.mutex_);
      manager.executors_.erase(worker);
    }
  } unlist{*this, worker};
  for (;;) {
    std::shared_ptr<RunRecord> record;
    {
      std::unique_lock lock(mutex_);
      work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      record = queue_.front();
      queue_.pop_front();
      ++running_;
    }
    record->set_running(worker);
    JobEvents events;
    events.progress = [&record](int64_t done, int64_t total, const std::string& source) {
      record->set_progress(done, total, source);
    };
    JobOutcome outcome;
    try {
      outcome = executor->execute(record->job(), events, record->cancel_flag());
    } catch (const std::exception& e) {
      outcome.status = JobOutcome::Status::Failed;
      outcome.error_code = "internal";
      outcome.error_message = e.what();
    }
    if (outcome.status == JobOutcome::Status::Failed && record->cancel_flag()->load() &&
        outcome.error_code == "cancelled") {
      outcome.status = JobOutcome::Status::Cancelled;
    }
    record->finish(std::move(outcome));
    count_finished(*record);
    {
      std::lock_guard lock(mutex_);
      --running_;
      ready_changed_.notify_all();
    }
    try {
      executor->recover();
    } catch (const std::exception& e) {
      host::log(host::LogLevel::Error, "brick serve", "worker " + std::to_string(worker) + ": " + e.what());
    }
    // Forget the oldest finished runs (and their files) beyond keep_runs.
    std::vector<std::string> dropped;
    {
      std::lock_guard lock(mutex_);
      finished_order_.push_back(record->id());
      while (finished_order_.size() > options_.keep_runs) {
        dropped.push_back(finished_order_.front());
        runs_.erase(finished_order_.front());
        finished_order_.pop_front();
      }
    }
    for (const std::string& id : dropped) {
      std::error_code ignored;
      std::filesystem::remove_all(std::filesystem::path(run_dir_) / id, ignored);
    }
  }
}

void RunManager::stop(StopMode mode) {
  std::vector<std::shared_ptr<RunRecord>> dropped;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    if (mode == StopMode::Cancel) {
      dropped.assign(queue_.begin(), queue_.end());
      queue_.clear();
      for (auto& [id, record] : runs_) record->cancel_flag()->store(true);
    }
    work_.notify_all();
  }
  for (auto& record : dropped) {
    JobOutcome outcome;
    outcome.status = JobOutcome::Status::Cancelled;
    outcome.error_code = "cancelled";
    outcome.error_message = "run " + record->id() + " was cancelled: the server is shutting down";
    record->finish(std::move(outcome));
    count_finished(*record);
  }
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    threads.swap(threads_);
  }
  for (auto& thread : threads) {
    if (thread.joinable()) thread.join();
  }
  ready_changed_.notify_all();
}

}  // namespace brick::serve
