// PluginWatcher over a real folder: each way a plugin file gets replaced
// (written in place in chunks, renamed over, removed) is one change, after
// the debounce; other files are ignored. Waits are bounded, never timed.
#include <gtest/gtest.h>

#include <unistd.h>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

#include "brick/host/loader/plugin_watcher.h"

namespace fs = std::filesystem;
using brick::host::PluginChange;
using brick::host::PluginWatcher;

namespace {

class PluginWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("brick_watch_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    watcher_ = std::make_unique<PluginWatcher>(
        std::vector<fs::path>{dir_, dir_ / "missing"},
        [this](const std::vector<PluginChange>& changes) {
          std::lock_guard lock(mutex_);
          changes_.insert(changes_.end(), changes.begin(), changes.end());
          ++batches_;
          changed_.notify_all();
        },
        std::chrono::milliseconds(300));
  }
  void TearDown() override {
    watcher_.reset();
    fs::remove_all(dir_);
  }

  // The changes reported once `count` have arrived (or 10 s have passed).
  std::vector<PluginChange> wait_for(size_t count) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(10), [&] { return changes_.size() >= count; });
    return changes_;
  }
  // Whatever arrives within a few debounce periods.
  std::vector<PluginChange> settle() {
    std::this_thread::sleep_for(std::chrono::milliseconds(900));  // three debounce periods
    std::lock_guard lock(mutex_);
    return changes_;
  }

  static void write_chunks(const fs::path& file, int chunks) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    for (int i = 0; i < chunks; ++i) {
      out << std::string(4096, static_cast<char>('a' + i)) << std::flush;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  fs::path dir_;
  std::unique_ptr<PluginWatcher> watcher_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<PluginChange> changes_;
  int batches_ = 0;
};

TEST_F(PluginWatcherTest, WatchesTheFoldersThatExist) {
  ASSERT_EQ(watcher_->dirs().size(), 1u);
  EXPECT_EQ(watcher_->dirs()[0], dir_);
  EXPECT_EQ(watcher_->debounce(), std::chrono::milliseconds(300));
}

TEST_F(PluginWatcherTest, ACopyWrittenInChunksIsOneChange) {
  write_chunks(dir_ / "p.so", 5);  // what cp does to an existing file
  std::vector<PluginChange> changes = wait_for(1);
  changes = settle();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].file, dir_ / "p.so");
  EXPECT_EQ(changes[0].kind, PluginChange::Kind::Changed);
}

TEST_F(PluginWatcherTest, ARenameOverTheFileIsOneChangeOfThatFile) {
  write_chunks(dir_ / "p.so", 1);
  wait_for(1);
  write_chunks(dir_ / ".p.so.tmp", 3);  // what install and package managers do
  fs::rename(dir_ / ".p.so.tmp", dir_ / "p.so");
  std::vector<PluginChange> changes = wait_for(2);
  changes = settle();
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[1].file, dir_ / "p.so");
  EXPECT_EQ(changes[1].kind, PluginChange::Kind::Changed);
}

TEST_F(PluginWatcherTest, ARemovedPluginIsReportedAsRemoved) {
  write_chunks(dir_ / "p.so", 1);
  wait_for(1);
  fs::remove(dir_ / "p.so");
  std::vector<PluginChange> changes = wait_for(2);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[1].kind, PluginChange::Kind::Removed);
}

TEST_F(PluginWatcherTest, FilesThatAreNotSharedObjectsAreIgnored) {
  write_chunks(dir_ / "notes.txt", 1);
  write_chunks(dir_ / "q.so", 1);
  std::vector<PluginChange> changes = wait_for(1);
  changes = settle();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].file, dir_ / "q.so");
}

TEST_F(PluginWatcherTest, SeveralFilesChangedTogetherComeInOneBatch) {
  write_chunks(dir_ / "a.so", 1);
  write_chunks(dir_ / "b.so", 1);
  wait_for(2);
  std::vector<PluginChange> changes = settle();
  EXPECT_EQ(changes.size(), 2u);
  std::lock_guard lock(mutex_);
  EXPECT_EQ(batches_, 1);
}

TEST(PluginWatcher, StopsWhenDestroyedWhileNothingHappens) {
  auto watcher = std::make_unique<PluginWatcher>(std::vector<fs::path>{fs::temp_directory_path()},
                                                 [](const std::vector<PluginChange>&) {});
  watcher.reset();  // returns: the thread has stopped
  SUCCEED();
}

}  // namespace
