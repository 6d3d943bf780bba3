// The host used from several threads at once: two pipelines on two threads,
// two hosts opening one plugin while its blocks run, the log sink, and the
// registry's cache and lock files written concurrently. Each test checks its
// results in any build; the ThreadSanitizer build (-DBRICK_TSAN=ON,
// tests/run.sh) also fails it on any data race (docs/building.md, "Bad
// input", says what TSan cannot see: LibTorch is not instrumented).
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "../host/test_support.h"
#include "../registry/registry_support.h"
#include "brick/host/base/log.h"
#include "brick/host/loader/host.h"
#include "brick/registry/cache.h"
#include "brick/registry/error.h"
#include "brick/registry/lock_file.h"
#include "brick/registry/registry.h"

namespace {

using brick::host::Kwargs;
using brick::host::ModularPipeline;

constexpr int kRuns = 100;

// out = a + alpha * b, with inputs that differ per run and per thread.
Kwargs add_inputs(int thread, int run) {
  return {{"a", at::full({4}, static_cast<double>(thread))},
          {"b", at::full({4}, static_cast<double>(run))},
          {"alpha", 0.5}};
}

TEST(Concurrency, TwoPipelinesOnTwoThreadsGiveWhatEachGivesAlone) {
  brick::host::Host& host = brick::test::test_host();
  std::vector<ModularPipeline> pipelines;
  for (int i = 0; i < 2; ++i) pipelines.push_back(host.create_block("test_blocks.Add")->init_pipeline());
  std::vector<std::vector<double>> got(2);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int run = 0; run < kRuns; ++run) {
        at::Tensor out = pipelines[t].output(add_inputs(t, run), "out").as_tensor();
        got[t].push_back(out[3].item<double>());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < 2; ++t) {
    ASSERT_EQ(got[t].size(), static_cast<size_t>(kRuns));
    for (int run = 0; run < kRuns; ++run) EXPECT_EQ(got[t][run], t + 0.5 * run) << "thread " << t << " run " << run;
  }
}

// A plugin's entry point runs once per host that opens it; a second host on
// another thread must not disturb the first host's running blocks (the SDK
// once rewrote its host-table pointer on every entry call).
TEST(Concurrency, ASecondHostOpensAPluginWhileTheFirstRunsItsBlocks) {
  brick::host::Host first;
  first.load_plugin(brick::test::plugin_path("test_blocks"));
  ModularPipeline pipe = first.create_block("test_blocks.Add")->init_pipeline();
  std::atomic<bool> done{false};
  std::thread runner([&] {
    for (int run = 0; run < kRuns; ++run) {
      EXPECT_EQ(pipe.output(add_inputs(1, run), "out").as_tensor()[0].item<double>(), 1 + 0.5 * run);
    }
    done = true;
  });
  int opened = 0;
  while (!done || opened == 0) {
    brick::host::Host second;
    second.load_plugin(brick::test::plugin_path("test_blocks"));
    EXPECT_EQ(second.create_block("test_blocks.Add")
                  ->init_pipeline()
                  .output(add_inputs(2, 2), "out")
                  .as_tensor()[0]
                  .item<double>(),
              3.0);
    ++opened;
  }
  runner.join();
  EXPECT_GT(opened, 0);
}

// The sink is called one thread at a time: this one keeps no lock of its own,
// and must still see every record, whole, from the host and from a plugin.
TEST(Concurrency, TheLogSinkGetsEveryRecordWholeFromManyThreads) {
  std::vector<std::string> lines;  // deliberately unguarded
  brick::host::LogLevel level = brick::host::log_level();
  brick::host::set_log_level(brick::host::LogLevel::Info);
  {
    brick::host::ScopedLogSink sink([&lines](const brick::host::LogRecord& r) {
      lines.push_back(std::string(r.source) + ": " + std::string(r.message));
    });
    constexpr int kThreads = 4;
    std::vector<ModularPipeline> logs;  // a pipeline per thread, as in a server
    for (int t = 0; t < kThreads; ++t)
      logs.push_back(brick::test::test_host().create_block("test_blocks.Logs")->init_pipeline());
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kRuns; ++i) {
          brick::host::log_warning("thread " + std::to_string(t) + " line " + std::to_string(i));
          if (i % 10 == 0) logs[t](Kwargs{});
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    size_t host_lines = 0, plugin_lines = 0;
    for (const std::string& line : lines) {
      if (line.rfind("brick: thread ", 0) == 0) ++host_lines;
      if (line == "test_blocks: hello from a plugin") ++plugin_lines;
    }
    EXPECT_EQ(host_lines, static_cast<size_t>(kThreads * kRuns));
    EXPECT_EQ(plugin_lines, static_cast<size_t>(kThreads * kRuns / 10));
  }
  brick::host::set_log_level(level);
}

// Atomic writes go through a temporary file; threads of one process writing
// the same file must each get their own (the name once held only the pid,
// and one thread's rename then took the other's file away).
TEST(Concurrency, ThreadsWritingOneRegistryCacheNeverCollide) {
  brick::test::PluginFolder folder;
  brick::registry::HostFingerprint fingerprint = brick::host::host_fingerprint();
  std::vector<brick::registry::PluginRecord> records(3);
  for (size_t i = 0; i < records.size(); ++i) {
    records[i].path = folder.dir() / ("p" + std::to_string(i) + ".so");
    records[i].name = "p" + std::to_string(i);
    records[i].bad = true;
    records[i].reason = "made up";
  }
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        try {
          brick::registry::write_cache(folder.cache(), fingerprint, records);
        } catch (const brick::registry::RegistryError& e) {
          ADD_FAILURE() << e.what();
          ++failures;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  brick::registry::CacheContents read = brick::registry::read_cache(folder.cache(), fingerprint);
  EXPECT_EQ(read.warning, "");
  EXPECT_EQ(read.records.size(), records.size());
  // No temporary file is left behind.
  for (const auto& entry : std::filesystem::directory_iterator(folder.root())) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp."), std::string::npos) << entry.path();
  }
}

TEST(Concurrency, ThreadsWritingOneLockFileNeverCollide) {
  brick::test::PluginFolder folder;
  brick::registry::PluginRecord record;
  record.name = "example";
  record.version = "1.0.0";
  record.hash = "0123456789abcdef";
  record.path = folder.dir() / "libexample.so";
  brick::registry::LockFile lock;
  lock.add(record);
  const std::filesystem::path file = folder.root() / "brick.lock";
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        try {
          lock.write(file);
        } catch (const brick::registry::RegistryError& e) {
          ADD_FAILURE() << e.what();
          ++failures;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(brick::registry::LockFile::read(file).entries().size(), 1u);
}

// Registries built at once on several threads over one folder and one cache
// file: each scans (a child process per plugin) and writes the cache.
TEST(Concurrency, RegistriesOnSeveralThreadsShareOneCacheFile) {
  brick::test::PluginFolder folder;
  folder.put("reg_good");
  std::vector<std::vector<std::string>> warnings(3);
  std::vector<char> found(3, 0);  // not vector<bool>: its elements share words
  std::vector<std::thread> threads;
  for (size_t t = 0; t < warnings.size(); ++t) {
    threads.emplace_back([&, t] {
      brick::registry::Registry registry(folder.options());
      warnings[t] = registry.warnings();
      found[t] = registry.find_plugin("reg_good") != nullptr;
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (size_t t = 0; t < warnings.size(); ++t) {
    EXPECT_TRUE(found[t]) << "thread " << t;
    EXPECT_TRUE(warnings[t].empty()) << "thread " << t << ": " << warnings[t].front();
  }
  EXPECT_EQ(brick::registry::read_cache(folder.cache(), brick::host::host_fingerprint()).warning, "");
}

}  // namespace
