#include "brick/serve/server.h"

#include <unistd.h>

#include <boost/asio/ip/address.hpp>
#include <fstream>
#include <thread>

#include "api.h"
#include "brick/host/base/device.h"
#include "brick/host/base/error.h"
#include "brick/host/base/log.h"
#include "brick/host/components/components_manager.h"
#include "catalog.h"
#include "http_server.h"
#include "metrics.h"
#include "plugin_reloads.h"
#include "run_manager.h"
#include "runner.h"
#include "worker_process.h"

namespace brick::serve {

namespace {

// Runs on this process's threads, with the worker's own pipelines.
class InProcessExecutor : public Executor {
 public:
  InProcessExecutor(Catalog& catalog, brick_device device) : runner_(catalog, device) {}
  void prepare() override { runner_.prepare(); }
  JobOutcome execute(const Job& job, const JobEvents& events,
                     std::shared_ptr<const std::atomic<bool>> cancel) override {
    return runner_.run(job, events, std::move(cancel));
  }

 private:
  Runner runner_;
};

// Resident memory of a process, in bytes (0 when it is gone).
double resident_bytes(int pid) {
  std::ifstream statm(pid > 0 ? "/proc/" + std::to_string(pid) + "/statm" : std::string("/proc/self/statm"));
  long long size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

}  // namespace

void check_bind_address(const std::string& address, bool has_token) {
  boost::system::error_code ec;
  boost::asio::ip::address ip = boost::asio::ip::make_address(address, ec);
  if (ec) throw host::Error(BRICK_ERR_INVALID_ARGUMENT, "--host '" + address + "': not an IP address");
  if (!ip.is_loopback() && !has_token) {
    throw host::Error(BRICK_ERR_INVALID_ARGUMENT,
                      "refusing to listen on " + address +
                          " without --token-file: anyone who can reach it could run pipelines and read their "
                          "results. Give --token-file FILE (clients then send 'Authorization: Bearer <token>'), or "
                          "bind 127.0.0.1");
  }
}

struct Server::Impl {
  ServeOptions options;
  brick_device device;
  Metrics metrics;
  Catalog catalog;
  RunManager runs;
  PluginReloads reloads;
  Api api;
  HttpServer http;
  std::thread loader;
  std::atomic<bool> catalog_ready{false};
  std::atomic<bool> draining{false};
  int64_t cuda_free_at_start = -1;
  std::mutex mutex;
  std::string load_error;
  bool stopped = false;

  explicit Impl(ServeOptions o)
      : options(std::move(o)),
        device(serve_device(options.device)),
        catalog(options),
        runs(
            options, [this](int worker) { return make_executor(worker); }, metrics),
        reloads(catalog, &metrics, /*validate=*/true,
                [this](const std::string& plugin) {
                  // In-process workers share the catalog's hosts; worker
                  // processes have their own and are told.
                  if (options.isolation == Isolation::Process) runs.reload_workers(plugin);
                }),
        api(
            options, catalog, runs, reloads, [this] { return not_ready(); }, [this] { return metrics_page(); }),
        http(options, api, metrics) {}

  std::string metrics_page() {
    Metrics::Gauges gauges;
    gauges.queued = runs.queued();
    gauges.running = runs.running();
    gauges.workers = std::max(1, options.workers);
    gauges.ready = not_ready().empty();
    gauges.draining = draining.load();
    std::string name = host::device_name(device);
    if (device.device_type == 2 /* CUDA */) {
      std::optional<int64_t> free = host::cuda_free_memory(device.device_id);
      if (free) {
        gauges.memory_free.emplace_back(name, static_cast<double>(*free));
        if (cuda_free_at_start >= 0)
          gauges.memory_used.emplace_back(name, static_cast<double>(std::max<int64_t>(0, cuda_free_at_start - *free)));
      }
    } else {
      double bytes = resident_bytes(-1);
      for (int pid : runs.worker_pids()) bytes += resident_bytes(pid);
      gauges.memory_used.emplace_back(name, bytes);
    }
    return metrics.render(gauges);
  }

  std::string not_ready() {
    if (draining.load()) return "draining";
    {
      std::lock_guard lock(mutex);
      if (!load_error.empty()) return load_error;
    }
    std::string failed = runs.preparation_error();
    if (!failed.empty()) return failed;
    return catalog_ready.load() && runs.ready() ? "" : "loading";
  }

  // The search path's folders and those of every loaded plugin.
  void start_watching() {
    std::vector<std::filesystem::path> dirs = options.search.search_dirs();
    for (host::Host* host : catalog.hosts()) {
      for (const auto& plugin : host->plugins()) {
        std::filesystem::path dir = plugin->path().parent_path();
        if (std::find(dirs.begin(), dirs.end(), dir) == dirs.end()) dirs.push_back(dir);
      }
    }
    try {
      reloads.watch(dirs, options.reload_debounce);
    } catch (const host::Error& e) {
      host::log(host::LogLevel::Warning, "brick serve",
                std::string("not watching the plugin folders: ") + e.what() + " (POST /plugins/reload still works)");
    }
  }

  std::unique_ptr<Executor> make_executor(int worker) {
    if (options.isolation == Isolation::Process) return make_process_executor(options, worker, metrics);
    return std::make_unique<InProcessExecutor>(catalog, device);
  }
};

Server::Server(ServeOptions options) {
  check_bind_address(options.host, !options.token.empty());
  if (options.isolation == Isolation::Process && options.worker_command.empty()) {
    throw host::Error(BRICK_ERR_INVALID_ARGUMENT,
                      "process isolation needs a worker command (ServeOptions::worker_command)");
  }
  impl_ = std::make_unique<Impl>(std::move(options));
}

Server::~Server() {
  try {
    stop(StopMode::Cancel);
  } catch (...) {
  }
}

void Server::start() {
  if (impl_->device.device_type == 2 /* CUDA */) {
    // The baseline of brick_device_memory_used_bytes: what was free before
    // this server loaded anything.
    impl_->cuda_free_at_start = host::cuda_free_memory(impl_->device.device_id).value_or(-1);
  }
  impl_->http.start();
  // Loading may take long (weights): the server answers /health meanwhile.
  impl_->loader = std::thread([impl = impl_.get()] {
    try {
      impl->catalog.load_pipelines();
      if (impl->options.watch_plugins) impl->start_watching();
      impl->catalog_ready = true;
      impl->runs.start();
      impl->runs.wait_ready();
      host::log(host::LogLevel::Info, "brick serve",
                "ready: " + std::to_string(impl->catalog.pipelines().size()) + " pipelines, " +
                    std::to_string(std::max(1, impl->options.workers)) + " workers");
    } catch (const std::exception& e) {
      std::lock_guard lock(impl->mutex);
      impl->load_error = e.what();
      host::log(host::LogLevel::Error, "brick serve", std::string("loading failed: ") + e.what());
    }
  });
}

uint16_t Server::port() const { return impl_->http.port(); }

void Server::wait_ready() {
  if (impl_->loader.joinable()) impl_->loader.join();
  std::lock_guard lock(impl_->mutex);
  if (!impl_->load_error.empty()) throw host::Error(BRICK_ERR_INVALID_ARGUMENT, impl_->load_error);
}

void Server::begin_drain() {
  if (impl_->draining.exchange(true)) return;
  impl_->runs.set_draining();
  host::log(host::LogLevel::Info, "brick serve",
            "draining: readiness fails, new runs get 503, the " + std::to_string(impl_->runs.queued()) +
                " queued and " + std::to_string(impl_->runs.running()) + " running runs finish");
}

bool Server::idle() const { return impl_->runs.idle() && impl_->http.busy() == 0; }

bool Server::drain(std::chrono::milliseconds timeout) {
  begin_drain();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!idle()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

void Server::record_plugin_reload(bool succeeded) { impl_->metrics.plugin_reload(succeeded); }

void Server::stop(StopMode mode) {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->stopped) return;
    impl_->stopped = true;
  }
  impl_->http.stop_accepting();
  if (impl_->loader.joinable()) impl_->loader.join();
  impl_->runs.stop(mode);
  impl_->http.stop();
}

}  // namespace brick::serve
