// Hot reload (issue 11, docs/hot-reload.md): a plugin replaced in a running
// host, by rename-over and by copy-over, while pipelines run on four
// threads; components that keep their weights; broken builds refused while
// the current generation serves; a loop that finishes on its generation;
// old generations unloaded, and 100 reloads that leave nothing behind.
// Bounded by counts: every wait has a generous cap that only a hang reaches.
#include <dlfcn.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <link.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include <ATen/ops/equal.h>
#include <ATen/ops/full.h>
#include <ATen/ops/ones.h>

#include "brick/host.h"
#include "brick/registry/content_hash.h"
#include "brick/registry/lock_file.h"
#include "brick/registry/unload_facts.h"
#include "plugin_install.h"

namespace fs = std::filesystem;
using namespace brick::host;

namespace {

using reload_test::build_of;
using reload_test::install_by_copy;
using reload_test::install_by_rename;

// Libraries mapped from the generations folder.
int mapped_generations() {
  std::pair<std::string, int> search{private_copy_dir().string(), 0};
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) {
        auto* s = static_cast<std::pair<std::string, int>*>(data);
        if (info->dlpi_name && std::string(info->dlpi_name).rfind(s->first, 0) == 0) ++s->second;
        return 0;
      },
      &search);
  return search.second;
}

int64_t resident_kb() {
  std::ifstream statm("/proc/self/statm");
  int64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

int64_t as_int(const Value& v) { return v.as_int(); }

class Events {
 public:
  void operator()(const ReloadEvent& event) {
    std::lock_guard lock(mutex_);
    events_.push_back(event);
    changed_.notify_all();
  }
  std::vector<ReloadEvent> all() {
    std::lock_guard lock(mutex_);
    return events_;
  }
  int count(ReloadEvent::Kind kind) {
    std::lock_guard lock(mutex_);
    int n = 0;
    for (const auto& e : events_) n += e.kind == kind;
    return n;
  }
  // Waits for an event of `kind` beyond the first `seen` of them.
  bool wait_for(ReloadEvent::Kind kind, int at_least) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(120), [&] {
      int n = 0;
      for (const auto& e : events_) n += e.kind == kind;
      return n >= at_least;
    });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<ReloadEvent> events_;
};

class ReloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char folder[] = "/tmp/brick-reload-XXXXXX";
    ASSERT_NE(mkdtemp(folder), nullptr);
    root_ = folder;
    plugins_ = root_ / "plugins";
    fs::create_directories(plugins_);
    ::setenv("BRICK_GENERATIONS_DIR", (root_ / "generations").c_str(), 1);
    file_ = plugins_ / "reload_demo.so";
  }
  void TearDown() override {
    wait_for_plugin_unloads();
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  // A pipeline over `blocks` ("reload_demo.First", ...) in sequence, that
  // follows the host's reloads.
  ModularPipeline pipeline(Host& host, const std::vector<std::string>& blocks) {
    NamedBlocks named;
    for (const std::string& name : blocks) named.emplace_back(name, host.create_block(name));
    PipelineOptions options;
    options.host = &host;
    options.component_types = host.component_types();
    return ModularPipeline(std::make_unique<SequentialPipelineBlocks>(std::move(named)), std::move(options));
  }

  fs::path root_, plugins_, file_;
};

TEST_F(ReloadTest, FourThreadsRunWhileTheFileIsRenamedAndCopiedOver) {
  install_by_rename("reload_v1", file_);
  Events events;  // before the host: it outlives every event
  Host host;
  host.set_reload_listener(std::ref(events));
  std::shared_ptr<Plugin> first = host.load_plugin(file_);
  const fs::path first_loaded = first->loaded_path();
  EXPECT_TRUE(first->unloadable()) << first->resident_reason();
  EXPECT_EQ(first->generation(), 1u);
  first.reset();

  constexpr int kThreads = 4;
  struct Record {
    std::mutex mutex;
    std::vector<int64_t> answers;
    int failures = 0, mixed = 0;
  };
  std::vector<Record> records(kThreads);
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ModularPipeline pipe = pipeline(host, {"reload_demo.First", "reload_demo.Second"});
      while (!stop.load()) {
        try {
          Value::Dict out = pipe.outputs({}, {"first", "second"});
          int64_t a = as_int(out[0].second), b = as_int(out[1].second);
          std::lock_guard lock(records[t].mutex);
          if (a != b) ++records[t].mixed;
          records[t].answers.push_back(a);
        } catch (const std::exception& e) {
          std::lock_guard lock(records[t].mutex);
          ++records[t].failures;
          ADD_FAILURE() << e.what();
        }
      }
    });
  }
  // Waits until every thread has `count` runs answering `answer` after `from` runs.
  auto wait_answers = [&](int64_t answer, std::vector<size_t> from, int count) {
    for (int spins = 0; spins < 600000; ++spins) {
      bool all = true;
      for (int t = 0; t < kThreads; ++t) {
        std::lock_guard lock(records[t].mutex);
        int n = 0;
        for (size_t i = from[t]; i < records[t].answers.size(); ++i) n += records[t].answers[i] == answer;
        all = all && n >= count;
      }
      if (all) return true;
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    return false;
  };
  auto sizes = [&] {
    std::vector<size_t> out;
    for (auto& r : records) {
      std::lock_guard lock(r.mutex);
      out.push_back(r.answers.size());
    }
    return out;
  };
  ASSERT_TRUE(wait_answers(1, sizes(), 5));

  // v2 renamed over v1.
  std::vector<size_t> before_v2 = sizes();
  install_by_rename("reload_v2", file_);
  ReloadEvent loaded = host.reload("reload_demo");
  ASSERT_EQ(loaded.kind, ReloadEvent::Kind::Loaded) << loaded.message();
  EXPECT_EQ(loaded.generation, 2u);
  EXPECT_EQ(loaded.version, "2.0.0");
  ASSERT_TRUE(wait_answers(2, before_v2, 5));

  // v1 copied over v2 in place (the mapped library is the private copy, so
  // writing into the user's file touches nothing that runs).
  std::vector<size_t> before_copy = sizes();
  install_by_copy("reload_v1", file_);
  ReloadEvent again = host.reload_file(file_);
  ASSERT_EQ(again.kind, ReloadEvent::Kind::Loaded) << again.message();
  EXPECT_EQ(again.generation, 3u);
  ASSERT_TRUE(wait_answers(1, before_copy, 5));
  // The same file again: nothing to load.
  EXPECT_EQ(host.reload("reload_demo").kind, ReloadEvent::Kind::Unchanged);

  stop = true;
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    const Record& r = records[t];
    EXPECT_EQ(r.failures, 0) << "thread " << t;
    EXPECT_EQ(r.mixed, 0) << "thread " << t << ": a run mixed blocks of two generations";
    // Per thread the answers go 1..1, 2..2, 1..1: each swap happens once,
    // between runs, and never goes back.
    int switches = 0;
    for (size_t i = 1; i < r.answers.size(); ++i) switches += r.answers[i] != r.answers[i - 1];
    EXPECT_EQ(switches, 2) << "thread " << t;
    for (int64_t a : r.answers) EXPECT_TRUE(a == 1 || a == 2);
  }

  // Generations 1 and 2 are gone: unloaded, verified by the reaper, and the
  // first one's library no longer mapped.
  wait_for_plugin_unloads();
  EXPECT_EQ(events.count(ReloadEvent::Kind::Unloaded), 2);
  for (const ReloadEvent& e : events.all()) {
    if (e.kind == ReloadEvent::Kind::Unloaded) {
      EXPECT_TRUE(e.generation == 1 || e.generation == 2) << e.message();
    }
  }
  std::vector<PluginGeneration> alive = host.generations();
  ASSERT_EQ(alive.size(), 1u);
  EXPECT_EQ(alive[0].generation, 3u);
  EXPECT_TRUE(alive[0].current);
  // Generation 3 has generation 1's bytes, so the same private path: mapped
  // once, by generation 3.
  EXPECT_EQ(mapped_generations(), 1);
  EXPECT_EQ(first_loaded, host.find_plugin("reload_demo")->loaded_path());
}

TEST_F(ReloadTest, UnloadedLibraryIsGone) {
  install_by_rename("reload_v1", file_);
  Events events;  // before the host: it outlives every event
  Host host;
  host.set_reload_listener(std::ref(events));
  fs::path loaded = host.load_plugin(file_)->loaded_path();
  {
    ModularPipeline pipe = pipeline(host, {"reload_demo.First"});
    EXPECT_EQ(as_int(pipe.output({}, "first")), 1);
    install_by_rename("reload_v2", file_);
    ASSERT_EQ(host.reload("reload_demo").kind, ReloadEvent::Kind::Loaded);
    // The pipeline still holds generation 1 until its next run.
    wait_for_plugin_unloads();
    EXPECT_EQ(events.count(ReloadEvent::Kind::Unloaded), 0);
    EXPECT_EQ(host.generations().size(), 2u);
    EXPECT_EQ(as_int(pipe.output({}, "first")), 2);
  }
  wait_for_plugin_unloads();
  ASSERT_EQ(events.count(ReloadEvent::Kind::Unloaded), 1);
  EXPECT_EQ(dlopen(loaded.c_str(), RTLD_NOW | RTLD_NOLOAD), nullptr);
  EXPECT_EQ(mapped_generations(), 1);
  // The private copies are unlinked once opened.
  EXPECT_TRUE(fs::is_empty(private_copy_dir()));
}

TEST_F(ReloadTest, ComponentKeepsItsWeightsAcrossTheSwap) {
  install_by_rename("reload_v1", file_);
  Host host;
  host.load_plugin(file_);
  NamedBlocks blocks;
  blocks.emplace_back("probe", host.create_block("reload_demo.Probe"));
  blocks.emplace_back("first", host.create_block("reload_demo.First", Value::dict({{"offset", Value(int64_t{100})}})));
  PipelineOptions pipe_options;
  pipe_options.host = &host;
  pipe_options.component_types = host.component_types();
  ModularPipeline pipe(std::make_unique<SequentialPipelineBlocks>(std::move(blocks)), pipe_options);
  pipe.component("weights").as_object()->call("fill", Value::dict({{"value", Value(10.0)}}));
  Value::Dict out = pipe.outputs({}, {"weight_sum", "weights_answer"});
  EXPECT_DOUBLE_EQ(out[0].second.as_float(), 33.0);  // 10 + 11 + 12
  EXPECT_EQ(as_int(out[1].second), 1);
  const void* made_by = pipe.component("weights").as_object()->origin();

  install_by_rename("reload_v2", file_);
  ASSERT_EQ(host.reload("reload_demo").kind, ReloadEvent::Kind::Loaded);
  out = pipe.outputs({}, {"weight_sum", "weights_answer"});
  EXPECT_DOUBLE_EQ(out[0].second.as_float(), 33.0) << "the weights were lost in the migration";
  EXPECT_EQ(as_int(out[1].second), 2) << "the component was not made by the new generation";
  EXPECT_NE(pipe.component("weights").as_object()->origin(), made_by);
  EXPECT_EQ(as_int(pipe.output({}, "first")), 102) << "the rebuilt block lost its constructor arguments";

  // A build without the type: the pipeline's next run fails naming the type
  // and both versions, and the pipeline keeps working once a build with it
  // is back.
  install_by_rename("reload_v2_no_weights", file_);
  ASSERT_EQ(host.reload("reload_demo").kind, ReloadEvent::Kind::Loaded);
  try {
    pipe({});
    ADD_FAILURE() << "a vanished component type was not reported";
  } catch (const Error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("reload_demo.Weights"), std::string::npos) << message;
    EXPECT_NE(message.find("2.0.0 (generation 2)"), std::string::npos) << message;
    EXPECT_NE(message.find("(generation 3)"), std::string::npos) << message;
  }
  install_by_rename("reload_v2", file_);
  ASSERT_EQ(host.reload("reload_demo").kind, ReloadEvent::Kind::Loaded);
  out = pipe.outputs({}, {"weight_sum", "weights_answer"});
  EXPECT_DOUBLE_EQ(out[0].second.as_float(), 33.0);
  EXPECT_EQ(as_int(out[1].second), 2);
}

TEST_F(ReloadTest, LoopFinishesOnTheGenerationItStartedWith) {
  install_by_rename("reload_v1", file_);
  Host host;
  host.load_plugin(file_);
  ModularPipeline pipe = pipeline(host, {"reload_demo.Repeat"});
  RunOptions options;
  int steps = 0;
  options.on_step_end = [&](const StepEnd&) {
    if (++steps != 1) return;
    // Mid-loop: a new build is published.
    install_by_rename("reload_v2", file_);
    EXPECT_EQ(host.reload("reload_demo").kind, ReloadEvent::Kind::Loaded);
  };
  PipelineState state = pipe.run({{"num_steps", Value(int64_t{4})}}, options);
  EXPECT_EQ(steps, 4);
  EXPECT_EQ(as_int(state.get("total")), 4) << "every step of the loop runs generation 1";
  EXPECT_EQ(as_int(pipe.output({{"num_steps", Value(int64_t{4})}}, "total")), 8) << "the next run is generation 2";
}

TEST_F(ReloadTest, BrokenBuildsAreRefusedAndTheCurrentGenerationServes) {
  install_by_rename("reload_v2", file_);
  Events events;  // before the host: it outlives every event
  Host host;
  host.set_reload_listener(std::ref(events));
  host.load_plugin(file_);
  ModularPipeline pipe = pipeline(host, {"reload_demo.First"});
  EXPECT_EQ(as_int(pipe.output({}, "first")), 2);

  ReloadOptions in_child;
  in_child.validate_in_child = true;
  in_child.scan.timeout = std::chrono::milliseconds(1500);
  struct Case {
    std::string build;
    bool child;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"reload_v3_crash", true, "SIGSEGV"},
      {"reload_v3_hang", true, "hung"},
      {"reload_v3_abi", false, "ABI 2.0"},
      {"reload_v3_no_entry", false, "entry point"},
      {"reload_v3_unresolved", false, "reload_demo_symbol_that_does_not_exist"},
  };
  for (const Case& c : cases) {
    install_by_rename(c.build, file_);
    ReloadEvent event = host.reload("reload_demo", c.child ? in_child : ReloadOptions{});
    EXPECT_EQ(event.kind, ReloadEvent::Kind::Refused) << c.build << ": " << event.message();
    EXPECT_NE(event.reason.find(c.reason), std::string::npos) << c.build << ": " << event.reason;
    EXPECT_EQ(as_int(pipe.output({}, "first")), 2) << c.build;
  }
  EXPECT_EQ(events.count(ReloadEvent::Kind::Refused), static_cast<int>(cases.size()));
  ASSERT_EQ(host.generations().size(), 1u);
  EXPECT_EQ(host.generations()[0].generation, 1u);
}

TEST_F(ReloadTest, LockedHostRefusesABuildTheLockDoesNotName) {
  install_by_rename("reload_v1", file_);
  Host host;
  brick::registry::PluginRecord record;
  record.name = "reload_demo";
  record.version = "1.0.0";
  record.path = file_;
  record.hash = brick::registry::hash_text(brick::registry::file_content_hash(file_));
  brick::registry::LockFile lock;
  lock.add(record);
  host.use_lock(lock);
  host.load_plugin(file_);
  install_by_rename("reload_v2", file_);
  ReloadEvent event = host.reload("reload_demo");
  EXPECT_EQ(event.kind, ReloadEvent::Kind::Refused);
  EXPECT_NE(event.reason.find(record.hash), std::string::npos) << event.reason;
  EXPECT_EQ(host.find_plugin("reload_demo")->generation(), 1u);
}

TEST_F(ReloadTest, PluginsThatDoNotDeclareThemselvesUnloadableStayResident) {
  install_by_rename("reload_v1_resident", file_);
  Events events;  // before the host: it outlives every event
  Host host;
  host.set_reload_listener(std::ref(events));
  host.load_plugin(file_);
  std::vector<PluginGeneration> generations = host.generations();
  ASSERT_EQ(generations.size(), 1u);
  EXPECT_FALSE(generations[0].unloadable);
  EXPECT_NE(generations[0].resident_reason.find("does not declare itself unloadable"), std::string::npos)
      << generations[0].resident_reason;
  fs::path loaded = host.find_plugin("reload_demo")->loaded_path();
  install_by_rename("reload_v2_resident", file_);
  ASSERT_EQ(host.reload("reload_demo").kind, ReloadEvent::Kind::Loaded);
  wait_for_plugin_unloads();
  ASSERT_EQ(events.count(ReloadEvent::Kind::Kept), 1);
  void* still = dlopen(loaded.c_str(), RTLD_NOW | RTLD_NOLOAD);
  EXPECT_NE(still, nullptr) << "a resident generation was unloaded";
  if (still) dlclose(still);
}

TEST_F(ReloadTest, HundredReloadsLeaveNothingBehind) {
  install_by_rename("reload_v1", file_);
  Events events;  // before the host: it outlives every event
  Host host;
  host.set_reload_listener(std::ref(events));
  host.load_plugin(file_);
  ModularPipeline pipe = pipeline(host, {"reload_demo.First", "reload_demo.Probe"});
  pipe({});
  int64_t rss_at_20 = 0;
  for (int i = 1; i <= 100; ++i) {
    install_by_rename(i % 2 ? "reload_v2" : "reload_v1", file_);
    ASSERT_EQ(host.reload("reload_demo").kind, ReloadEvent::Kind::Loaded) << i;
    ASSERT_EQ(as_int(pipe.output({}, "first")), i % 2 ? 2 : 1) << i;
    if (i == 20) {
      wait_for_plugin_unloads();
      rss_at_20 = resident_kb();
    }
  }
  wait_for_plugin_unloads();
  EXPECT_EQ(events.count(ReloadEvent::Kind::Unloaded), 100);
  EXPECT_EQ(mapped_generations(), 1);
  EXPECT_EQ(host.generations().size(), 1u);
  EXPECT_TRUE(fs::is_empty(private_copy_dir()));
  // 80 more reloads: the resident set stays where it was (a leak of one
  // library image per reload would add megabytes; allocator noise is far
  // less). Not under AddressSanitizer, whose quarantine keeps freed memory
  // resident by design; LeakSanitizer checks leaks there.
#if !defined(__SANITIZE_ADDRESS__)
  EXPECT_LT(resident_kb() - rss_at_20, 4096) << "resident memory grew over 80 reloads";
#else
  (void)rss_at_20;
#endif
}

TEST_F(ReloadTest, HotReloaderPicksUpNewBuildsAndRefusesBrokenOnes) {
  install_by_rename("reload_v1", file_);
  Events events;  // before the host: it outlives every event
  Host host;
  host.load_plugin(file_);
  ModularPipeline pipe = pipeline(host, {"reload_demo.First"});
  EXPECT_EQ(as_int(pipe.output({}, "first")), 1);
  HotReloadOptions options;
  options.debounce = std::chrono::milliseconds(50);
  options.reload.scan.timeout = std::chrono::milliseconds(5000);
  HotReloader reloader(host, {plugins_}, std::ref(events), options);

  install_by_rename("reload_v2", file_);
  ASSERT_TRUE(events.wait_for(ReloadEvent::Kind::Loaded, 1));
  EXPECT_EQ(as_int(pipe.output({}, "first")), 2);

  install_by_rename("reload_v3_crash", file_);
  ASSERT_TRUE(events.wait_for(ReloadEvent::Kind::Refused, 1));
  std::string reason;
  for (const auto& e : events.all()) {
    if (e.kind == ReloadEvent::Kind::Refused) reason = e.reason;
  }
  EXPECT_NE(reason.find("SIGSEGV"), std::string::npos) << reason;
  EXPECT_EQ(as_int(pipe.output({}, "first")), 2);
}

// A plugin built with the C++ SDK (the example plugin declares itself
// unloadable): its old generation is shut down (the SDK frees its
// descriptor) and dlclose'd, and nothing of it stays mapped.
TEST_F(ReloadTest, SdkPluginIsUnloaded) {
  const fs::path example = fs::path(BRICK_BINARY_DIR) / "lib" / "brick" / "plugins" / "example.so";
  if (!fs::exists(example)) GTEST_SKIP() << "the example plugin is not built";
  const fs::path file = plugins_ / "example.so";
  fs::copy_file(example, file);
  Events events;  // before the host: it outlives every event
  Host host;
  host.set_reload_listener(std::ref(events));
  std::shared_ptr<Plugin> plugin = host.load_plugin(file);
  ASSERT_TRUE(plugin->unloadable()) << plugin->resident_reason();
  const fs::path loaded = plugin->loaded_path();
  plugin.reset();
  PipelineOptions options;
  options.host = &host;
  ModularPipeline pipe(host.create_block("example.Affine"), options);
  EXPECT_TRUE(at::equal(pipe.output({{"x", at::ones({2})}, {"scale", 3.0}}, "y").as_tensor(), at::full({2}, 3.0)));
  // A new build: the same code with one more byte at the end (a new content hash).
  {
    std::ofstream out(file, std::ios::binary | std::ios::app);
    out << '\n';
  }
  ASSERT_EQ(host.reload("example").kind, ReloadEvent::Kind::Loaded);
  EXPECT_TRUE(at::equal(pipe.output({{"x", at::ones({2})}, {"scale", 3.0}}, "y").as_tensor(), at::full({2}, 3.0)));
  wait_for_plugin_unloads();
  ASSERT_EQ(events.count(ReloadEvent::Kind::Unloaded), 1);
  EXPECT_EQ(dlopen(loaded.c_str(), RTLD_NOW | RTLD_NOLOAD), nullptr);
}

// The file checks behind "unloadable": the first-party plugins that declare
// it show no trap, and the CUDA plugin (its own kernels) is kept resident.
TEST(UnloadFacts, FirstPartyPlugins) {
  const fs::path dir = fs::path(BRICK_BINARY_DIR) / "lib" / "brick" / "plugins";
  int checked = 0;
  for (const char* name : {"example", "core", "shapes", "image", "diffusers", "stable_diffusion_xl"}) {
    fs::path file = dir / (std::string(name) + ".so");
    if (!fs::exists(file)) continue;
    EXPECT_EQ(brick::registry::unload_blocker(brick::registry::read_unload_facts(file)), "") << file;
    ++checked;
  }
  if (fs::exists(dir / "cuda.so")) {
    brick::registry::UnloadFacts facts = brick::registry::read_unload_facts(dir / "cuda.so");
    EXPECT_TRUE(facts.cuda_runtime) << "cuda.so: " << brick::registry::unload_blocker(facts);
    ++checked;
  }
  EXPECT_FALSE(brick::registry::read_unload_facts(dir / "no-such.so").readable);
  if (checked == 0) GTEST_SKIP() << "no first-party plugin is built";
}

// docs/hot-reload.md, "A custom host".
TEST_F(ReloadTest, CustomHostSample) {
  install_by_rename("reload_v1", file_);
  const fs::path plugin_dir = plugins_;
  // [sample:custom_host]
  brick::host::Host host;
  host.load_plugins({plugin_dir});
  // A pipeline made through the host follows its reloads (from_pretrained
  // and PipelineFile::init_pipeline with a Host set this themselves).
  brick::host::PipelineOptions options;
  options.host = &host;
  brick::host::ModularPipeline pipe(host.create_block("reload_demo.First"), options);

  // Either watch the folders: inotify, debounced, each new build validated
  // in the scanner child process, then loaded ...
  brick::host::HotReloader reloader(host, {plugin_dir}, [](const brick::host::ReloadEvent& event) {
    std::cerr << event.message() << "\n";  // loaded, unchanged, refused (reason), unloaded, kept
  });
  // ... or reload when asked (a server's POST /plugins/reload):
  brick::host::ReloadOptions checked;
  checked.validate_in_child = true;
  brick::host::ReloadEvent event = host.reload("reload_demo", checked);
  // What is loaded, old generations still draining included:
  for (const brick::host::PluginGeneration& g : host.generations()) {
    std::cerr << g.name << " " << g.version << " generation " << g.generation << (g.current ? "" : " (draining)")
              << (g.unloadable ? "" : ", resident: " + g.resident_reason) << "\n";
  }
  // [/sample:custom_host]
  EXPECT_EQ(event.kind, ReloadEvent::Kind::Unchanged);
  EXPECT_EQ(pipe.output({}, "first").as_int(), 1);
}

}  // namespace
