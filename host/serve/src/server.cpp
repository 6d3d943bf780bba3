#include "brick/serve/server.h"

#include <boost/asio/ip/address.hpp>
#include <thread>

#include "api.h"
#include "brick/host/base/error.h"
#include "brick/host/base/log.h"
#include "catalog.h"
#include "http_server.h"
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
  Catalog catalog;
  RunManager runs;
  Api api;
  HttpServer http;
  std::thread loader;
  std::atomic<bool> catalog_ready{false};
  std::mutex mutex;
  std::string load_error;
  bool stopped = false;

  explicit Impl(ServeOptions o)
      : options(std::move(o)),
        device(serve_device(options.device)),
        catalog(options),
        runs(options, [this](int worker) { return make_executor(worker); }),
        api(options, catalog, runs, [this] { return not_ready(); }),
        http(options, api) {}

  std::string not_ready() {
    {
      std::lock_guard lock(mutex);
      if (!load_error.empty()) return load_error;
    }
    std::string failed = runs.preparation_error();
    if (!failed.empty()) return failed;
    return catalog_ready.load() && runs.ready() ? "" : "loading";
  }

  std::unique_ptr<Executor> make_executor(int worker) {
    if (options.isolation == Isolation::Process) return make_process_executor(options, worker);
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
  impl_->http.start();
  // Loading may take long (weights): the server answers /health meanwhile.
  impl_->loader = std::thread([impl = impl_.get()] {
    try {
      impl->catalog.load_pipelines();
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
