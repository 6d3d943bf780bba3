// brick::serve::Server: a long-running host with an HTTP API (docs/serve.md).
// It builds its pipelines and loads their components once, queues runs from
// many clients, runs them on `workers` workers (threads of this process, or
// supervised worker processes), streams their progress as Server-Sent Events
// and serves one web page. The `brick serve` command is a thin wrapper; a
// custom host embeds the same server:
//
//   brick::serve::ServeOptions options;
//   options.pipelines = {{"t2i", "pipelines/text2image.json"}};
//   options.port = 0;                               // any free port
//   brick::serve::Server server(options);
//   server.start();                                 // listening; /health is 503 until loaded
//   server.wait_ready();
//   std::cout << server.port() << "\n";
//   ...
//   server.stop(brick::serve::StopMode::Finish);    // running and queued runs finish first
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "brick/host/loader/plugin_search.h"

#define BRICK_SERVE_API __attribute__((visibility("default")))

namespace brick::serve {

enum class Isolation {
  None,     // runs execute on threads of the server process (trusted plugins)
  Process,  // runs execute in supervised worker processes: a crash fails only its run
};

struct ServeOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8188;  // 0: any free port (Server::port says which)
  host::PluginSearch search;
  // --pipeline NAME=FILE.json, in order.
  std::vector<std::pair<std::string, std::filesystem::path>> pipelines;
  // --model NAME=PATH_OR_ID: the model a served pipeline loads from
  // (Target::use_model: a folder, a hub id, a single-file checkpoint), and
  // --model-config NAME=PATH_OR_ID: a single-file model's configs
  // (Target::use_model_config). A NAME no pipeline is served as is an error.
  std::vector<std::pair<std::string, std::string>> models;
  std::vector<std::pair<std::string, std::string>> model_configs;
  // Also serve every *.json of the pipeline search path (pipeline_search_path.h).
  bool installed_pipelines = true;
  std::string device = "cpu";
  std::string lock;  // a lock file: refuse plugins whose content changed
  int workers = 1;
  size_t queue_size = 64;  // queued (not yet running) runs before 429
  // The bearer token every request must carry; empty: no authentication
  // (then only a loopback address may be bound).
  std::string token;
  size_t body_limit = 64u << 20;
  std::chrono::milliseconds idle_timeout{30000};  // a request that sends nothing this long is closed
  int io_threads = 2;
  Isolation isolation = Isolation::None;
  // Process isolation: the command line that starts a worker; the server
  // appends "--worker-fd N". `brick serve` passes itself with its options.
  std::vector<std::string> worker_command;
  // Where runs write their images; empty: a fresh folder in the temp dir,
  // removed when the server ends.
  std::filesystem::path run_dir;
  // Finished runs kept for GET /runs/{id} (oldest dropped first).
  size_t keep_runs = 1000;
  // How long a drain (SIGTERM to `brick serve`) lets queued and running runs
  // finish before it cancels what is left.
  std::chrono::milliseconds drain_timeout{30000};
  // Hot reload (docs/hot-reload.md): watch the plugin folders (the search
  // path's and those of the loaded plugins) and publish a new build of a
  // loaded plugin once its file has been quiet for `reload_debounce`. POST
  // /plugins/reload works either way.
  bool watch_plugins = true;
  std::chrono::milliseconds reload_debounce{200};
};

enum class StopMode {
  Finish,  // running and queued runs complete
  Cancel,  // queued runs are dropped, running runs cancelled at their next block or step
};

class BRICK_SERVE_API Server {
 public:
  explicit Server(ServeOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts answering; pipelines load in the background (/health
  // answers 503 until they are ready). Throws host::Error when the address
  // cannot be bound or is not loopback without a token.
  void start();
  uint16_t port() const;
  // Blocks until the pipelines are loaded; throws the loading error.
  void wait_ready();
  // Stops accepting connections, lets runs finish or cancels them, then
  // closes every connection. Idempotent.
  void stop(StopMode mode);

  // Graceful drain, for a replica behind a load balancer: from now on
  // readiness fails (GET /v2/health/ready 400, GET /health 503 "draining"),
  // new runs get 503 (a load balancer retries them on another replica), and
  // the runs already taken (queued and running) go on; liveness stays up.
  void begin_drain();
  // Nothing queued, nothing running, no answer still owed to a client.
  bool idle() const;
  // begin_drain, then waits until idle() or `timeout`; true when idle. Then
  // stop() (StopMode::Cancel cancels whatever the timeout left).
  bool drain(std::chrono::milliseconds timeout);
  // Counts a plugin reload in GET /metrics (brick_plugin_reloads_total, or
  // brick_plugin_reload_failures_total when the new build was refused), for
  // an embedding host that reloads by other means; the server's own reloads
  // (POST /plugins/reload, the watcher) are counted already.
  void record_plugin_reload(bool succeeded);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Refuses (host::Error with the reason) a non-loopback address without a token.
BRICK_SERVE_API void check_bind_address(const std::string& address, bool has_token);

// The worker process of Isolation::Process: reads runs from `fd` (a socket
// to its server), runs them and writes back their progress and results,
// until the socket closes. Returns the process's exit status.
BRICK_SERVE_API int run_worker(const ServeOptions& options, int fd);

}  // namespace brick::serve
