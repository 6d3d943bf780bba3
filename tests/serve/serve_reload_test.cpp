// Hot reload under load (docs/serve.md, "Hot reload"): 8 clients send runs
// of the reload test plugin's block through a real socket while its file is
// replaced: a v2 build renamed over v1, v1 then v2 written in place (cp),
// then a crashing v3 dropped in. No request fails, the answers follow the
// builds, v3 is refused with its reason in GET /plugins and v2 keeps
// serving. The same through POST /plugins/reload, and with worker processes.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>  // compiled once, in libbrick
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "brick/serve/server.h"
#include "http_client.h"
#include "reload/plugin_install.h"

namespace {

using namespace serve_test;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using reload_test::install_by_copy;
using reload_test::install_by_rename;

class ServeReload : public ::testing::TestWithParam<brick::serve::Isolation> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("brick-serve-reload-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "plugins");
    fs::create_directories(dir_ / "generations");
    ::setenv("BRICK_GENERATIONS_DIR", (dir_ / "generations").c_str(), 1);
    plugin_ = dir_ / "plugins" / "reload_demo.so";
    install_by_rename("reload_v1", plugin_);
  }
  void TearDown() override {
    if (server_) server_->stop(brick::serve::StopMode::Cancel);
    server_.reset();
    fs::remove_all(dir_);
  }
  void start(bool watch) {
    brick::serve::ServeOptions options;
    options.port = 0;
    options.installed_pipelines = false;
    options.search.dirs = {dir_ / "plugins"};
    options.workers = 2;
    options.watch_plugins = watch;
    options.reload_debounce = std::chrono::milliseconds(100);
    options.isolation = GetParam();
    if (GetParam() == brick::serve::Isolation::Process)
      options.worker_command = {BRICK_BINARY_DIR "/bin/brick", "serve", "--no-installed", "-P",
                                (dir_ / "plugins").string()};
    server_ = std::make_unique<brick::serve::Server>(std::move(options));
    server_->start();
    server_->wait_ready();
    port_ = server_->port();
    // A worker opens the block at its first run of it, from the file then on
    // disk (docs/serve.md, the limit under "Worker processes"): every worker
    // runs it once before the tests drop builds in.
    std::set<int64_t> workers;
    for (auto end = Clock::now() + std::chrono::seconds(60); workers.size() < 2 && Clock::now() < end;) {
      Answer a = post(port_, "/runs", R"({"block": "reload_demo.First", "wait": true})");
      ASSERT_EQ(a.status, 200) << a.body;
      workers.insert(a.object()["worker"].as_int64());
    }
    ASSERT_EQ(workers.size(), 2u) << "a worker never ran the block";
  }
  // One run of reload_demo.First: its answer, or -1 for a failed request.
  int answer() {
    Answer a = post(port_, "/runs", R"({"block": "reload_demo.First", "wait": true})");
    if (a.status != 200) return -1;
    json::object run = a.object();
    if (run["status"] != "done") return -1;
    return static_cast<int>(run["result"].at("outputs").at("first").as_int64());
  }
  // Waits (at most 30 s) until a fresh run answers `expected`.
  bool answers(int expected) {
    for (auto end = Clock::now() + std::chrono::seconds(30); Clock::now() < end;) {
      if (answer() == expected) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  fs::path dir_, plugin_;
  std::unique_ptr<brick::serve::Server> server_;
  uint16_t port_ = 0;
};

// 8 clients in a loop until stopped; every answer counted.
class Load {
 public:
  explicit Load(std::function<int()> run) {
    for (int i = 0; i < 8; ++i) {
      threads_.emplace_back([this, run] {
        while (!stop_) {
          int a = run();
          (a < 0 ? failed_ : a == 1 ? ones_ : a == 2 ? twos_ : others_)++;
        }
      });
    }
  }
  void stop() {
    stop_ = true;
    for (auto& t : threads_) t.join();
    threads_.clear();
  }
  ~Load() {
    if (!threads_.empty()) stop();
  }
  std::atomic<int> failed_{0}, ones_{0}, twos_{0}, others_{0};

 private:
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

std::string plugins_page(uint16_t port) { return get(port, "/plugins").body; }

TEST_P(ServeReload, WatchedFolderUnderLoadNoRequestFails) {
  start(/*watch=*/true);
  ASSERT_EQ(answer(), 1);
  Load load([this] { return answer(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  install_by_rename("reload_v2", plugin_);
  EXPECT_TRUE(answers(2)) << plugins_page(port_);
  install_by_copy("reload_v1", plugin_);
  EXPECT_TRUE(answers(1)) << plugins_page(port_);
  install_by_copy("reload_v2", plugin_);
  EXPECT_TRUE(answers(2)) << plugins_page(port_);

  // A crashing build: refused in the scanner's child, reported, v2 serves on.
  install_by_rename("reload_v3_crash", plugin_);
  std::string page;
  for (auto end = Clock::now() + std::chrono::seconds(30); Clock::now() < end;) {
    page = plugins_page(port_);
    if (page.find("\"refused\"") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_NE(page.find("\"refused\""), std::string::npos) << page;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  load.stop();
  EXPECT_EQ(answer(), 2);

  EXPECT_EQ(load.failed_, 0) << "ones " << load.ones_ << ", twos " << load.twos_;
  EXPECT_EQ(load.others_, 0);
  EXPECT_GT(load.ones_, 0);
  EXPECT_GT(load.twos_, 0);
  json::object plugins = get(port_, "/plugins").object();
  EXPECT_EQ(plugins["reload"], "watching");
  bool saw = false;
  for (const json::value& plugin : plugins["plugins"].as_array()) {
    if (plugin.at("name") != "reload_demo") continue;
    saw = true;
    EXPECT_EQ(plugin.at("version"), "2.0.0");
    EXPECT_GE(plugin.at("generation").as_int64(), 4);  // v1, v2, v1, v2
  }
  EXPECT_TRUE(saw) << json::serialize(plugins);
  // At least v3's refusal (a copy in place caught half written by a slow
  // machine is refused too, then loaded once the writing is over).
  std::string metrics = get(port_, "/metrics").body;
  const std::string failures = "\nbrick_plugin_reload_failures_total ";
  size_t at = metrics.find(failures);
  ASSERT_NE(at, std::string::npos) << metrics;
  EXPECT_GE(std::stoi(metrics.substr(at + failures.size())), 1) << metrics;
}

TEST_P(ServeReload, OnRequestWithoutWatching) {
  start(/*watch=*/false);
  ASSERT_EQ(answer(), 1);
  Load load([this] { return answer(); });
  install_by_rename("reload_v2", plugin_);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(answer(), 1);  // nobody is watching

  Answer reloaded = post(port_, "/plugins/reload", R"({"name": "reload_demo"})");
  ASSERT_EQ(reloaded.status, 200) << reloaded.body;
  json::object event = reloaded.object()["events"].as_array().at(0).as_object();
  EXPECT_EQ(event["event"], "loaded");
  EXPECT_EQ(event["version"], "2.0.0");
  EXPECT_TRUE(answers(2));
  // The same bytes again: nothing to do.
  EXPECT_EQ(post(port_, "/plugins/reload", "").object()["events"].as_array().at(0).at("event"), "unchanged");

  install_by_rename("reload_v3_abi", plugin_);
  Answer refused = post(port_, "/plugins/reload", R"({"name": "reload_demo"})");
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(refused.object()["error"].at("code"), "reload_refused");
  EXPECT_NE(refused.body.find("ABI"), std::string::npos) << refused.body;
  load.stop();
  EXPECT_EQ(answer(), 2);
  EXPECT_EQ(load.failed_, 0);

  Answer unknown = post(port_, "/plugins/reload", R"({"name": "nope"})");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_NE(unknown.body.find("reload_demo"), std::string::npos) << unknown.body;
  EXPECT_EQ(post(port_, "/plugins/reload", R"({"plugin": 1})").status, 400);
}

INSTANTIATE_TEST_SUITE_P(Isolation, ServeReload,
                         ::testing::Values(brick::serve::Isolation::None, brick::serve::Isolation::Process),
                         [](const auto& info) {
                           return info.param == brick::serve::Isolation::None ? std::string("InProcess")
                                                                              : std::string("WorkerProcesses");
                         });

}  // namespace
