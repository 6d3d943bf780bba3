// brick serve: the HTTP server of libbrick_serve (docs/serve.md) run until
// SIGINT or SIGTERM.
#include <signal.h>

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <thread>

#include "brick/host/base/error.h"
#include "brick/host/base/log.h"
#include "brick/serve/server.h"
#include "commands.h"

namespace brick::cli {

namespace {

std::string read_token(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw UsageError("--token-file " + file + ": cannot read it");
  std::stringstream text;
  text << in.rdbuf();
  std::string token = text.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (token.empty()) throw UsageError("--token-file " + file + ": the file is empty");
  if (token.find_first_of(" \t\r\n") != std::string::npos)
    throw UsageError("--token-file " + file + ": the token is one line without spaces");
  return token;
}

std::string seconds_text(double seconds) {
  std::ostringstream text;
  text << std::setprecision(3) << seconds;
  return text.str();
}

}  // namespace

CLI::App* add_serve_command(CLI::App& app, ServeArguments& a) {
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Serve pipelines over HTTP (docs/serve.md): a JSON API, progress as Server-Sent Events, a web page at /.\n"
      "Pipelines are built and their components loaded once, at start.");
  cmd->add_option("--host", a.host, "The address to listen on (default 127.0.0.1; another needs --token-file)")
      ->allow_extra_args(false);
  cmd->add_option("--port", a.port, "The port (default 8188; 0: any free port, printed at start)")
      ->check(CLI::Range(0, 65535))
      ->allow_extra_args(false);
  cmd->add_option("--pipeline", a.pipelines, "NAME=FILE.json: serve this pipeline file as NAME (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--model", a.models,
                  "NAME=PATH_OR_ID: the model pipeline NAME loads from, replacing its file's "
                  "pretrained_model_name_or_path (as brick run --model: a folder, a hub id in the Hugging Face "
                  "cache, or a single-file checkpoint FILE.safetensors; repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--model-config", a.model_configs,
                  "NAME=PATH_OR_ID: the repository of configs of pipeline NAME's single-file --model (as brick run "
                  "--model-config; repeatable)")
      ->allow_extra_args(false);
  cmd->add_flag("--no-installed", a.no_installed, "Serve only the --pipeline files, not the installed pipelines");
  cmd->add_option("-d,--device", a.device, "Where runs execute: cpu (default), cuda, cuda:N")->allow_extra_args(false);
  cmd->add_option("--workers", a.workers, "Runs executed at once, each worker with its own pipelines (default 1)")
      ->check(CLI::Range(1, 256))
      ->allow_extra_args(false);
  cmd->add_option("--queue-size", a.queue_size, "Runs waiting before new ones get 429 (default 64)")
      ->check(CLI::Range(1, 1000000))
      ->allow_extra_args(false);
  cmd->add_flag("!--no-watch", a.watch,
                "Do not watch the plugin folders for new builds (POST /plugins/reload still reloads)");
  cmd->add_option("--token-file", a.token_file,
                  "A file holding the token every request must carry as 'Authorization: Bearer <token>'")
      ->allow_extra_args(false);
  cmd->add_option("--isolation", a.isolation,
                  "none (default): runs execute in this process; process: in supervised worker processes, so that "
                  "a crashing block fails only its run")
      ->check(CLI::IsMember({"none", "process"}))
      ->allow_extra_args(false);
  cmd->add_option("--run-dir", a.run_dir, "Where runs write their images (default: a temporary folder)")
      ->allow_extra_args(false);
  cmd->add_option("--drain-timeout", a.drain_timeout,
                  "Seconds that SIGTERM or SIGINT lets queued and running runs finish (readiness fails and new runs "
                  "get 503 meanwhile) before the rest is cancelled (default 30; a second signal cancels at once)")
      ->check(CLI::Range(0.0, 86400.0))
      ->allow_extra_args(false);
  cmd->add_option("--lock", a.lock, "A lock file (brick lock): refuse a plugin whose content changed")
      ->envname("BRICK_LOCK")
      ->allow_extra_args(false);
  cmd->add_option("--worker-fd", a.worker_fd, "Internal: run as a worker process of a server on this socket")
      ->group("")
      ->allow_extra_args(false);
  return cmd;
}

int serve_command(const ServeArguments& arguments) {
  serve::ServeOptions options;
  options.host = arguments.host;
  options.port = static_cast<uint16_t>(arguments.port);
  options.search = arguments.search;
  options.device = arguments.device;
  options.lock = arguments.lock;
  options.workers = arguments.workers;
  options.queue_size = arguments.queue_size;
  options.run_dir = arguments.run_dir;
  options.installed_pipelines = !arguments.no_installed;
  options.drain_timeout = std::chrono::milliseconds(static_cast<int64_t>(arguments.drain_timeout * 1000));
  for (const std::string& pipeline : arguments.pipelines) {
    // NAME=FILE.json, or FILE.json served under its stem.
    size_t eq = pipeline.find('=');
    if (eq == std::string::npos) {
      options.pipelines.emplace_back(std::filesystem::path(pipeline).stem().string(), pipeline);
      continue;
    }
    if (eq == 0 || eq + 1 == pipeline.size()) throw UsageError("--pipeline " + pipeline + ": expected NAME=FILE.json");
    options.pipelines.emplace_back(pipeline.substr(0, eq), pipeline.substr(eq + 1));
  }
  // --model NAME=PATH_OR_ID and --model-config NAME=PATH_OR_ID, per pipeline.
  auto per_pipeline = [](const std::vector<std::string>& given, const char* flag) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const std::string& item : given) {
      size_t eq = item.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
        throw UsageError(std::string(flag) + " " + item + ": expected NAME=PATH_OR_ID (NAME a served pipeline)");
      out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
    }
    return out;
  };
  options.models = per_pipeline(arguments.models, "--model");
  options.model_configs = per_pipeline(arguments.model_configs, "--model-config");
  if (arguments.isolation != "none" && arguments.isolation != "process")
    throw UsageError("--isolation " + arguments.isolation + ": expected none or process");
  options.isolation = arguments.isolation == "process" ? serve::Isolation::Process : serve::Isolation::None;

  if (arguments.worker_fd >= 0) {
    // A worker ends without running the process's static destructors
    // (LibTorch's teardown): the server waits for it, and it holds nothing to flush.
    int status = serve::run_worker(options, arguments.worker_fd);
    std::fflush(nullptr);
    _exit(status);
  }

  if (!arguments.token_file.empty()) options.token = read_token(arguments.token_file);
  try {
    serve::check_bind_address(options.host, !options.token.empty());
  } catch (const host::Error& e) {
    throw UsageError(e.what());
  }
  if (options.isolation == serve::Isolation::Process) {
    // A worker is this very program in worker mode, with the same plugins
    // and pipelines; the server appends --worker-fd N.
    options.worker_command = {std::filesystem::read_symlink("/proc/self/exe").string(), "serve"};
    if (!options.installed_pipelines) options.worker_command.push_back("--no-installed");
    for (const auto& file : options.search.files)
      options.worker_command.insert(options.worker_command.end(), {"-p", file.string()});
    for (const auto& dir : options.search.dirs)
      options.worker_command.insert(options.worker_command.end(), {"-P", dir.string()});
    for (const std::string& pipeline : arguments.pipelines)
      options.worker_command.insert(options.worker_command.end(), {"--pipeline", pipeline});
    for (const std::string& model : arguments.models)
      options.worker_command.insert(options.worker_command.end(), {"--model", model});
    for (const std::string& config : arguments.model_configs)
      options.worker_command.insert(options.worker_command.end(), {"--model-config", config});
    options.worker_command.insert(options.worker_command.end(), {"--device", options.device});
    if (!options.lock.empty()) options.worker_command.insert(options.worker_command.end(), {"--lock", options.lock});
  }
  options.watch_plugins = arguments.watch;

  // The signals are taken by sigwait below, on this thread only: every
  // thread the server starts inherits the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  serve::Server server(options);
  server.start();
  std::cerr << "brick serve: listening on http://" << options.host << ":" << server.port() << "/"
            << (options.token.empty() ? "" : " (token required)") << std::endl;
  // Pipelines that cannot be loaded end the command (status 1): the loading
  // runs on, and SIGINT/SIGTERM stay answered meanwhile.
  std::atomic<bool> failed{false};
  std::thread watcher([&server, &failed] {
    try {
      server.wait_ready();
    } catch (const std::exception& e) {
      std::cerr << "error: " << e.what() << std::endl;
      failed = true;
      kill(getpid(), SIGTERM);
    }
  });
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  watcher.join();
  if (failed) {
    server.stop(serve::StopMode::Cancel);
    return 1;
  }
  // A graceful drain (for a replica behind a load balancer, and Kubernetes'
  // SIGTERM): readiness fails at once, new runs get 503 and are retried
  // elsewhere, liveness stays up, the runs taken finish, up to
  // --drain-timeout; then what is left is cancelled. A second signal
  // cancels at once.
  auto started = std::chrono::steady_clock::now();
  host::log(host::LogLevel::Info, "brick serve",
            std::string("got ") + (signal_number == SIGINT ? "SIGINT" : "SIGTERM") + ": draining for up to " +
                seconds_text(arguments.drain_timeout) +
                " s (queued and running runs finish; a second signal cancels them)");
  server.begin_drain();
  auto deadline = started + options.drain_timeout;
  bool idle = false, interrupted = false;
  while (!(idle = server.idle())) {
    auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) break;
    timespec wait{0, 20'000'000};  // poll every 20 ms for the runs to end
    if (left < std::chrono::milliseconds(20)) wait.tv_nsec = std::chrono::nanoseconds(left).count();
    if (sigtimedwait(&signals, nullptr, &wait) > 0) {
      interrupted = true;
      break;
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  host::log(host::LogLevel::Info, "brick serve",
            idle ? "drained in " + seconds_text(seconds) + " s"
                 : std::string(interrupted ? "a second signal" : "the drain timeout") +
                       ": queued runs are cancelled, running runs stop at their next block or loop step");
  server.stop(serve::StopMode::Cancel);
  std::cerr << "brick serve: stopped" << std::endl;
  return 0;
}

}  // namespace brick::cli
