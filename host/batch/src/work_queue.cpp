#include "work_queue.h"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <optional>
#include <ostream>
#include <thread>

#include "brick/host/base/error.h"
#include "brick/host/value/json.h"

namespace brick::batch {

namespace {

using Clock = std::chrono::steady_clock;

// A rank asks for two jobs at first, and for one more with each result: it
// always has the next job in hand when it finishes one, and never waits for
// rank 0 to notice its result. (A queue that deep costs little balance: at
// the end a rank's second job may wait behind a slow first one.)
constexpr int kRequestsPerRank = 2;
constexpr std::chrono::microseconds kPollInterval{1000};

// A job on the wire: {"id": ..., "line": ..., "inputs": {...}}.
std::string job_to_json(const Job& job) {
  return host::to_json(host::Value::dict(
      {{"id", job.id}, {"line", job.line}, {"inputs", host::Value::dict(host::Value::Dict(job.inputs))}}));
}

Job job_from_json(const std::string& text) {
  host::Value value = host::parse_json(text);
  Job job;
  job.id = value.find("id")->as_string();
  job.line = static_cast<int>(value.find("line")->as_int());
  job.inputs = value.find("inputs")->as_dict();
  return job;
}

// Rank 0's own worker: one job at a time, on a thread of its own, so that
// the main thread stays free to answer the other ranks.
class LocalWorker {
 public:
  explicit LocalWorker(JobRunner& runner) : runner_(runner), thread_([this] { loop(); }) {}
  ~LocalWorker() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }

  bool busy() const { return busy_; }
  void submit(Job job) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = std::move(job);
    }
    busy_ = true;
    changed_.notify_all();
  }
  // The finished job's record, waiting at most `wait` for it.
  std::optional<ManifestRecord> take(std::chrono::microseconds wait) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, wait, [this] { return result_.has_value(); });
    if (!result_) return std::nullopt;
    std::optional<ManifestRecord> result = std::move(result_);
    result_.reset();
    busy_ = false;
    return result;
  }

 private:
  void loop() {
    for (;;) {
      Job job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [this] { return stopping_ || job_.has_value(); });
        if (stopping_) return;
        job = std::move(*job_);
        job_.reset();
      }
      ManifestRecord record = runner_.run(job);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        result_ = std::move(record);
      }
      changed_.notify_all();
    }
  }

  JobRunner& runner_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<Job> job_;
  std::optional<ManifestRecord> result_;
  bool stopping_ = false;
  bool busy_ = false;  // the main thread's own bookkeeping
  std::thread thread_;
};

// "[ 3/12] cat-1  0.031 s  rank 1  35.2 jobs/s  ETA 00:01"
class ProgressLines {
 public:
  ProgressLines(std::ostream& err, int total, bool quiet) : err_(err), total_(total), quiet_(quiet) {}

  void finished(const ManifestRecord& record) {
    ++count_;
    if (quiet_) return;
    double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    double rate = elapsed > 0 ? count_ / elapsed : 0;
    long long eta = rate > 0 ? static_cast<long long>((total_ - count_) / rate + 0.5) : 0;
    int width = static_cast<int>(std::to_string(total_).size());
    char head[64];
    std::snprintf(head, sizeof head, "[%*d/%d] ", width, count_, total_);
    char tail[96];
    std::snprintf(tail, sizeof tail, "  %.3f s  rank %d  %.1f jobs/s  ETA %02lld:%02lld", record.seconds, record.rank,
                  rate, eta / 60, eta % 60);
    err_ << head << record.id << (record.ok() ? "" : "  FAILED: " + record.error) << tail << std::endl;
  }

 private:
  std::ostream& err_;
  int total_;
  bool quiet_;
  int count_ = 0;
  Clock::time_point start_ = Clock::now();
};

}  // namespace

QueueResult coordinate(Transport& transport, JobRunner& runner, const std::vector<Job>& jobs, ManifestWriter& manifest,
                       const QueueSettings& settings, std::ostream& err) {
  QueueResult result;
  ProgressLines progress(err, static_cast<int>(jobs.size()), settings.quiet);
  std::deque<const Job*> queue;
  for (const Job& job : jobs) queue.push_back(&job);
  bool stopped = false;  // --fail-fast after a failure

  auto record = [&](const ManifestRecord& r) {
    manifest.append(r);
    progress.finished(r);
    if (r.ok()) {
      ++result.done;
    } else {
      ++result.failed;
      result.failed_ids.push_back(r.id);
      if (settings.fail_fast) stopped = true;
    }
  };
  auto next = [&]() -> const Job* {
    if (stopped || queue.empty()) return nullptr;
    const Job* job = queue.front();
    queue.pop_front();
    return job;
  };

  if (transport.size() == 1) {
    while (const Job* job = next()) record(runner.run(*job));
  } else {
    LocalWorker local(runner);
    auto feed_local = [&] {
      if (const Job* job = next()) local.submit(*job);
    };
    feed_local();
    // Each other rank keeps kRequestsPerRank requests open (a Ready or a
    // Result each), and each is answered by a Job or, at the end, a Stop.
    int open_requests = (transport.size() - 1) * kRequestsPerRank;
    while (open_requests > 0 || local.busy()) {
      bool idle = true;
      while (std::optional<Message> message = transport.poll()) {
        idle = false;
        if (message->tag == Tag::Result) record(parse_manifest_line(message->body));
        if (const Job* job = next()) {
          transport.send(message->source, Tag::Job, job_to_json(*job));
        } else {
          transport.send(message->source, Tag::Stop, {});
          --open_requests;
        }
      }
      if (!idle) continue;
      // Nothing came: wait for the local job (or just wait) before polling
      // again. MPI_Iprobe costs tens of microseconds of progress work, so
      // polling every kPollInterval keeps this thread under a few percent of
      // a core; the other ranks do not wait meanwhile, each has a job in hand.
      if (local.busy()) {
        if (std::optional<ManifestRecord> r = local.take(kPollInterval)) {
          record(*r);
          feed_local();
        }
      } else {
        std::this_thread::sleep_for(kPollInterval);
      }
    }
  }
  result.not_run = static_cast<int>(queue.size());
  return result;
}

void serve(Transport& transport, JobRunner& runner) {
  for (int i = 0; i < kRequestsPerRank; ++i) transport.send(0, Tag::Ready, {});
  // Every request is answered: the rank is done when all its requests are.
  for (int open_requests = kRequestsPerRank; open_requests > 0;) {
    Message message = transport.receive();
    if (message.tag == Tag::Stop) {
      --open_requests;
      continue;
    }
    ManifestRecord record;
    try {
      record = runner.run(job_from_json(message.body));
    } catch (const std::exception& e) {
      // A job message this rank cannot read: reported as the job's failure.
      record.id = "?";
      record.error = std::string("rank ") + std::to_string(transport.rank()) + " could not read the job: " + e.what();
    }
    transport.send(0, Tag::Result, to_json_line(record));  // the answered request's successor
  }
}

}  // namespace brick::batch
