#include "worker_process.h"

#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <thread>

#include "brick/host/base/error.h"
#include "brick/host/base/log.h"
#include "catalog.h"
#include "line_channel.h"
#include "plugin_reloads.h"
#include "runner.h"

extern char** environ;

namespace brick::serve {

namespace json = boost::json;

namespace {

std::string signal_text(int signal_number) {
  const char* abbreviation = sigabbrev_np(signal_number);
  std::string text = "signal " + std::to_string(signal_number);
  if (abbreviation) text += std::string(" (SIG") + abbreviation + ", " + sigdescr_np(signal_number) + ")";
  return text;
}

// The supervisor's side of one worker process.
class ProcessExecutor : public Executor {
 public:
  ProcessExecutor(const ServeOptions& options, int worker, Metrics& metrics)
      : options_(options), worker_(worker), metrics_(metrics) {}
  ~ProcessExecutor() override { end_process(); }

  void prepare() override { spawn(); }

  JobOutcome execute(const Job& job, const JobEvents& events,
                     std::shared_ptr<const std::atomic<bool>> cancel) override {
    if (!channel_) restart();  // a restart failed: try again
    // What the supervisor knows of where the worker is, for the message if it dies.
    std::string where = job.is_block ? "block " + job.target : "pipeline '" + job.target + "'";
    std::string last_progress;
    bool cancel_sent = false;
    if (channel_->send(json::object{{"job", job.to_json()}})) {
      for (;;) {
        json::object message;
        LineChannel::Read read = channel_->receive(message, 20);
        if (read == LineChannel::Read::Closed) break;
        if (read == LineChannel::Read::Timeout) {
          if (cancel && cancel->load() && !cancel_sent) {
            cancel_sent = true;
            channel_->send(json::object{{"cancel", job.id}});
          }
          continue;
        }
        if (const json::value* progress = message.if_contains("progress")) {
          const json::object& p = progress->as_object();
          std::string source(p.at("source").as_string());
          last_progress = "step " + std::to_string(p.at("step").as_int64()) + "/" +
                          std::to_string(p.at("total").as_int64()) + " of a loop of plugin " + source;
          if (events.progress) events.progress(p.at("step").as_int64(), p.at("total").as_int64(), source);
        } else if (const json::value* outcome = message.if_contains("outcome")) {
          return JobOutcome::from_json(outcome->as_object());
        }
      }
    }
    // The worker is gone in the middle of the run: say how, fail only this
    // run, and start a new worker for the next ones.
    std::string how = end_process();
    JobOutcome outcome;
    outcome.status = JobOutcome::Status::Failed;
    outcome.error_code = "worker_died";
    outcome.error_message = "the worker process running " + where + " died (" + how + ")" +
                            (last_progress.empty() ? "" : " after " + last_progress) +
                            "; only this run failed, and the worker is started again";
    if (job.is_block) outcome.block = job.target;
    host::log(host::LogLevel::Error, "brick serve", "worker " + std::to_string(worker_) + ": " + outcome.error_message);
    return outcome;
  }

  void recover() override {
    if (!channel_) restart();
  }

  int pid() const override { return pid_.load(); }

  // The worker reloads in its own hosts, between its runs or during one (the
  // run finishes on the generation it started with). A worker started later
  // loads the new file anyway.
  void reload(const std::string& plugin) override {
    std::lock_guard lock(channel_mutex_);
    if (channel_) channel_->send(json::object{{"reload", plugin}});
  }

 private:
  void restart() {
    metrics_.worker_restarted();
    spawn();
  }

  void spawn() {
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
      throw host::Error(BRICK_ERR_INTERNAL, std::string("socketpair: ") + strerror(errno));
    constexpr int kChildFd = 3;
    std::vector<std::string> arguments = options_.worker_command;
    arguments.push_back("--worker-fd");
    arguments.push_back(std::to_string(kChildFd));
    std::vector<char*> argv;
    for (std::string& argument : arguments) argv.push_back(argument.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], kChildFd);  // dup2 clears close-on-exec
    // Nothing else of the server's (its listening socket, its clients'
    // connections) leaks into the worker.
    posix_spawn_file_actions_addclosefrom_np(&actions, kChildFd + 1);
    pid_t pid = -1;
    int error = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (error != 0) {
      close(fds[0]);
      throw host::Error(BRICK_ERR_INTERNAL, "cannot start the worker " + arguments[0] + ": " + strerror(error));
    }
    pid_ = pid;
    {
      std::lock_guard lock(channel_mutex_);
      channel_ = std::make_unique<LineChannel>(fds[0]);
    }
    // The worker says when its pipelines are loaded (or why they are not).
    json::object hello;
    LineChannel::Read read = channel_->receive(hello, -1);
    if (read != LineChannel::Read::Message || !hello.contains("ready")) {
      std::string why = hello.contains("error") ? std::string(hello["error"].as_string()) : end_process();
      end_process();
      throw host::Error(BRICK_ERR_INTERNAL, "worker " + std::to_string(worker_) + " did not start: " + why);
    }
    host::log(host::LogLevel::Debug, "brick serve",
              "worker " + std::to_string(worker_) + " is process " + std::to_string(pid_));
  }

  // Closes the socket (a live worker then exits) and reaps the process;
  // returns how it ended.
  std::string end_process() {
    if (pid_ <= 0) return "not running";
    {
      std::lock_guard lock(channel_mutex_);
      channel_.reset();  // closing our end: the worker's reads end
    }
    int status = 0;
    pid_t done = 0;
    for (int i = 0; i < 500 && (done = waitpid(pid_, &status, WNOHANG)) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (done == 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
    std::string pid_text = "pid " + std::to_string(pid_);
    pid_ = -1;
    if (WIFSIGNALED(status)) return pid_text + ", " + signal_text(WTERMSIG(status));
    if (WIFEXITED(status)) return pid_text + ", exit status " + std::to_string(WEXITSTATUS(status));
    return pid_text;
  }

  const ServeOptions& options_;
  int worker_;
  Metrics& metrics_;
  std::atomic<pid_t> pid_{-1};
  // Swapped on the worker thread; reload() sends on it from another.
  std::mutex channel_mutex_;
  std::unique_ptr<LineChannel> channel_;
};

}  // namespace

std::unique_ptr<Executor> make_process_executor(const ServeOptions& options, int worker, Metrics& metrics) {
  return std::make_unique<ProcessExecutor>(options, worker, metrics);
}

int run_worker(const ServeOptions& options, int fd) {
  // Ctrl-C in a terminal reaches the whole process group: the server
  // decides what happens to the runs, and ends its workers by closing their sockets.
  signal(SIGINT, SIG_IGN);
  LineChannel channel(fd);
  std::unique_ptr<Catalog> catalog;
  std::unique_ptr<Runner> runner;
  std::unique_ptr<PluginReloads> reloads;
  try {
    catalog = std::make_unique<Catalog>(options);
    catalog->load_pipelines();
    runner = std::make_unique<Runner>(*catalog, serve_device(options.device));
    runner->prepare();
    // The server validated the build before telling this worker about it.
    reloads = std::make_unique<PluginReloads>(*catalog, nullptr, /*validate=*/false);
  } catch (const std::exception& e) {
    channel.send(json::object{{"error", e.what()}});
    return 1;
  }
  channel.send(json::object{{"ready", true}, {"pid", static_cast<int64_t>(getpid())}});

  // The reader takes jobs and cancellations; this thread runs the jobs.
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<Job> jobs;
  bool closed = false;
  std::string running;
  std::shared_ptr<std::atomic<bool>> cancel;
  std::thread reader([&] {
    for (;;) {
      json::object message;
      if (channel.receive(message, -1) != LineChannel::Read::Message) break;
      std::lock_guard lock(mutex);
      if (const json::value* job = message.if_contains("job")) {
        jobs.push_back(Job::from_json(job->as_object()));
        changed.notify_one();
      } else if (const json::value* id = message.if_contains("cancel")) {
        if (cancel && running == id->as_string()) cancel->store(true);
      } else if (const json::value* plugin = message.if_contains("reload")) {
        // Here, on the reader: loading a build the server already validated
        // takes milliseconds, and the run in progress is not waiting on it.
        std::string name(plugin->as_string());
        try {
          reloads->reload(name);
        } catch (const std::exception& e) {
          host::log(host::LogLevel::Warning, "brick serve", "worker: reload of " + name + ": " + e.what());
        }
      }
    }
    std::lock_guard lock(mutex);
    closed = true;
    if (cancel) cancel->store(true);
    changed.notify_one();
  });
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return closed || !jobs.empty(); });
      if (closed) break;
      job = std::move(jobs.front());
      jobs.pop_front();
      running = job.id;
      cancel = std::make_shared<std::atomic<bool>>(false);
    }
    JobEvents events;
    events.progress = [&channel](int64_t done, int64_t total, const std::string& source) {
      channel.send(json::object{{"progress", json::object{{"step", done}, {"total", total}, {"source", source}}}});
    };
    JobOutcome outcome = runner->run(job, events, cancel);
    channel.send(json::object{{"outcome", outcome.to_json()}});
  }
  reader.join();
  return 0;
}

}  // namespace brick::serve
