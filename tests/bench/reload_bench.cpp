// Hot reload figures (docs/hot-reload.md), reported, never judged:
//   BM_RunFollowingHost / BM_RunNotFollowing: a one-block run of a pipeline
//     that follows its host's reloads and one that does not (the baseline);
//     the difference is the per-run snapshot cost. BM_Snapshot: the snapshot
//     alone (current_blocks(): a mutex and a shared_ptr copy).
//   BM_ReloadToFirstRun: from a new build renamed over the plugin file to the
//     first run answering with it, through Host::reload (no watcher, no
//     child validation).
//   BM_WatcherReloadToFirstRun: the same through HotReloader (inotify,
//     debounce, validation in the scanner child); counters give the debounce
//     and the latency after it.
//   BM_RunsDuring100Reloads: 4 threads run pipelines while 100 reloads land;
//     counters: runs completed, runs failed.
// Run: build/tests/bench/reload_bench (or build/bin/reload_bench)
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>

#include "brick/host.h"

namespace fs = std::filesystem;
using namespace brick::host;

namespace {

const fs::path kBuilds = RELOAD_PLUGIN_DIR;

struct Folder {
  fs::path root, file;
  Folder() {
    char name[] = "/tmp/brick-reload-bench-XXXXXX";
    root = mkdtemp(name);
    fs::create_directories(root / "plugins");
    ::setenv("BRICK_GENERATIONS_DIR", (root / "generations").c_str(), 1);
    file = root / "plugins" / "reload_demo.so";
    install(1);
  }
  ~Folder() {
    wait_for_plugin_unloads();
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  void install(int answer) const {
    fs::path temporary = root / "plugins" / ".incoming";
    fs::copy_file(kBuilds / ("reload_v" + std::to_string(answer) + ".so"), temporary,
                  fs::copy_options::overwrite_existing);
    fs::rename(temporary, file);
  }
};

ModularPipeline first_pipeline(Host& host, bool follow) {
  PipelineOptions options;
  if (follow) options.host = &host;
  return ModularPipeline(host.create_block("reload_demo.First"), options);
}

void run_one_block(benchmark::State& state, bool follow) {
  Folder folder;
  Host host;
  host.load_plugin(folder.file);
  ModularPipeline pipe = first_pipeline(host, follow);
  for (auto _ : state) benchmark::DoNotOptimize(pipe({}));
}
void BM_RunNotFollowing(benchmark::State& state) { run_one_block(state, false); }
void BM_RunFollowingHost(benchmark::State& state) { run_one_block(state, true); }
BENCHMARK(BM_RunNotFollowing);
BENCHMARK(BM_RunFollowingHost);

void BM_Snapshot(benchmark::State& state) {
  Folder folder;
  Host host;
  host.load_plugin(folder.file);
  ModularPipeline pipe = first_pipeline(host, true);
  for (auto _ : state) benchmark::DoNotOptimize(pipe.current_blocks());
}
BENCHMARK(BM_Snapshot);

void BM_ReloadToFirstRun(benchmark::State& state) {
  Folder folder;
  Host host;
  host.load_plugin(folder.file);
  ModularPipeline pipe = first_pipeline(host, true);
  int answer = 1;
  for (auto _ : state) {
    answer = 3 - answer;
    folder.install(answer);
    if (host.reload("reload_demo").kind != ReloadEvent::Kind::Loaded) state.SkipWithError("reload refused");
    if (pipe.output({}, "first").as_int() != answer) state.SkipWithError("the run did not use the new build");
  }
}
BENCHMARK(BM_ReloadToFirstRun)->Unit(benchmark::kMillisecond);

void BM_WatcherReloadToFirstRun(benchmark::State& state) {
  Folder folder;
  Host host;
  host.load_plugin(folder.file);
  ModularPipeline pipe = first_pipeline(host, true);
  std::mutex mutex;
  std::condition_variable loaded;
  int loads = 0;
  HotReloadOptions options;
  options.debounce = std::chrono::milliseconds(state.range(0));
  options.reload.validate_in_child = state.range(1) != 0;
  HotReloader reloader(
      host, {folder.root / "plugins"},
      [&](const ReloadEvent& event) {
        if (event.kind != ReloadEvent::Kind::Loaded) return;
        std::lock_guard lock(mutex);
        ++loads;
        loaded.notify_all();
      },
      options);
  int answer = 1;
  double after_debounce_ms = 0;
  for (auto _ : state) {
    answer = 3 - answer;
    int before;
    {
      std::lock_guard lock(mutex);
      before = loads;
    }
    auto start = std::chrono::steady_clock::now();
    folder.install(answer);
    {
      std::unique_lock lock(mutex);
      if (!loaded.wait_for(lock, std::chrono::seconds(60), [&] { return loads > before; })) {
        state.SkipWithError("no reload");
        break;
      }
    }
    if (pipe.output({}, "first").as_int() != answer) state.SkipWithError("the run did not use the new build");
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    after_debounce_ms += ms - static_cast<double>(state.range(0));
    state.SetIterationTime(ms / 1000.0);
  }
  state.counters["debounce_ms"] = static_cast<double>(state.range(0));
  state.counters["after_debounce_ms"] = after_debounce_ms / static_cast<double>(state.iterations());
}
BENCHMARK(BM_WatcherReloadToFirstRun)
    ->Args({50, 0})
    ->Args({50, 1})
    ->ArgNames({"debounce_ms", "validate_in_child"})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5);

void BM_RunsDuring100Reloads(benchmark::State& state) {
  for (auto _ : state) {
    Folder folder;
    Host host;
    host.load_plugin(folder.file);
    std::atomic<bool> stop{false};
    std::atomic<int64_t> runs{0}, failed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        ModularPipeline pipe = first_pipeline(host, true);
        while (!stop) {
          try {
            pipe({});
            ++runs;
          } catch (const std::exception&) {
            ++failed;
          }
        }
      });
    }
    for (int i = 1; i <= 100; ++i) {
      folder.install(i % 2 ? 2 : 1);
      host.reload("reload_demo");
    }
    stop = true;
    for (auto& thread : threads) thread.join();
    state.counters["runs"] = static_cast<double>(runs);
    state.counters["failed_runs"] = static_cast<double>(failed);
  }
}
BENCHMARK(BM_RunsDuring100Reloads)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
