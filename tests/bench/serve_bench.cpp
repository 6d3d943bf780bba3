// brick serve's figures (docs/serve.md): requests per second and p50/p99
// latency of a one-block request and of text2image at 1 and 8 concurrent
// clients, beside `brick run` doing the same work (measured first, in this
// process: the vs_brick_run counters are p50 / brick run's median wall time),
// and the cost of process isolation on the one-block request.
//
//   build/bin/serve_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <boost/json.hpp>  // compiled once, in libbrick
#include <map>
#include <memory>
#include <thread>

#include "brick/serve/server.h"
#include "serve/http_client.h"

extern char** environ;

namespace {

using namespace serve_test;

const std::string kPlugins = BRICK_BINARY_DIR "/lib/brick/plugins";
const std::string kText2ImageFile = BRICK_SOURCE_DIR "/pipelines/text2image.json";

enum Work { kBlock = 0, kText2Image = 1 };
const char* kBodies[] = {R"({"block": "example.Affine", "inputs": {"x": {"tensor": [[1, 2], [3, 4]]}}, "wait": true})",
                         R"({"pipeline": "text2image", "inputs": {"prompt": "a red circle"}, "wait": true})"};

double g_brick_run_seconds[2] = {0, 0};

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  size_t index = std::min(values.size() - 1, static_cast<size_t>(p * static_cast<double>(values.size())));
  return values[index];
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// `brick run` for the same work, as a user runs it: a fresh process.
double brick_run(Work work, const std::string& output) {
  std::vector<std::string> arguments = {BRICK_BINARY_DIR "/bin/brick", "-q", "run"};
  if (work == kBlock) {
    arguments.insert(arguments.end(), {"example.Affine", "x=tensor([[1, 2], [3, 4]])"});
  } else {
    arguments.insert(arguments.end(), {kText2ImageFile, "prompt=a red circle", "-o", output});
  }
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  auto start = std::chrono::steady_clock::now();
  pid_t pid;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  posix_spawn_file_actions_destroy(&actions);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? seconds_since(start) : -1;
}

void BM_BrickRun(benchmark::State& state) {
  Work work = static_cast<Work>(state.range(0));
  std::string output = "/tmp/serve_bench_" + std::to_string(getpid()) + ".png";
  std::vector<double> walls;
  for (auto _ : state) {
    double wall = brick_run(work, output);
    if (wall < 0) {
      state.SkipWithError("brick run failed");
      return;
    }
    walls.push_back(wall);
    state.SetIterationTime(wall);
  }
  unlink(output.c_str());
  g_brick_run_seconds[work] = percentile(walls, 0.5);
  state.counters["p50_ms"] = percentile(walls, 0.5) * 1e3;
  state.counters["req_per_s"] = 1.0 / percentile(walls, 0.5);
  state.SetLabel(work == kBlock ? "brick run example.Affine" : "brick run text2image");
}

// One server per isolation, started on first use and kept for the process.
brick::serve::Server& server(brick::serve::Isolation isolation) {
  static std::map<int, std::unique_ptr<brick::serve::Server>> servers;
  auto& slot = servers[static_cast<int>(isolation)];
  if (!slot) {
    brick::serve::ServeOptions options;
    options.port = 0;
    options.installed_pipelines = false;
    options.search.dirs = {kPlugins};
    options.pipelines = {{"text2image", kText2ImageFile}};
    options.workers = 2;  // this machine's cores
    options.isolation = isolation;
    options.worker_command = {BRICK_BINARY_DIR "/bin/brick",  "serve", "--no-installed", "-P", kPlugins, "--pipeline",
                              "text2image=" + kText2ImageFile};
    slot = std::make_unique<brick::serve::Server>(options);
    slot->start();
    slot->wait_ready();
    // Warm up: the first block request opens its plugin.
    post(slot->port(), "/runs", kBodies[kBlock]);
    post(slot->port(), "/runs", kBodies[kText2Image]);
  }
  return *slot;
}

void BM_Serve(benchmark::State& state) {
  Work work = static_cast<Work>(state.range(0));
  int clients = static_cast<int>(state.range(1));
  auto isolation = static_cast<brick::serve::Isolation>(state.range(2));
  uint16_t port = server(isolation).port();
  int per_client = work == kBlock ? 200 / clients + 20 : 24 / clients + 4;
  std::vector<double> latencies;
  std::mutex mutex;
  size_t failures = 0, requests = 0;
  double busy = 0;
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
      threads.emplace_back([&] {
        std::vector<double> mine;
        size_t failed = 0;
        for (int i = 0; i < per_client; ++i) {
          auto t0 = std::chrono::steady_clock::now();
          Answer answer = post(port, "/runs", kBodies[work]);
          mine.push_back(seconds_since(t0));
          if (answer.status != 200 || answer.body.find("\"status\":\"done\"") == std::string::npos) ++failed;
        }
        std::lock_guard lock(mutex);
        latencies.insert(latencies.end(), mine.begin(), mine.end());
        failures += failed;
      });
    }
    for (auto& thread : threads) thread.join();
    double wall = seconds_since(start);
    busy += wall;
    requests += static_cast<size_t>(clients * per_client);
    state.SetIterationTime(wall);
  }
  double p50 = percentile(latencies, 0.5);
  state.counters["req_per_s"] = static_cast<double>(requests) / busy;
  state.counters["p50_ms"] = p50 * 1e3;
  state.counters["p99_ms"] = percentile(latencies, 0.99) * 1e3;
  state.counters["failed"] = static_cast<double>(failures);
  if (g_brick_run_seconds[work] > 0) state.counters["vs_brick_run"] = p50 / g_brick_run_seconds[work];
  state.SetLabel(std::string(work == kBlock ? "example.Affine" : "text2image") + ", " + std::to_string(clients) +
                 " clients, isolation " + (isolation == brick::serve::Isolation::None ? "none" : "process"));
}

}  // namespace

// The baselines first: the serve figures are reported against them.
BENCHMARK(BM_BrickRun)->Arg(kBlock)->Arg(kText2Image)->Iterations(5)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Serve)
    ->Args({kBlock, 1, 0})
    ->Args({kBlock, 8, 0})
    ->Args({kText2Image, 1, 0})
    ->Args({kText2Image, 8, 0})
    ->Args({kBlock, 1, 1})
    ->Args({kBlock, 8, 1})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
