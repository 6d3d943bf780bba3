// GET /metrics: Prometheus's text format, checked by Prometheus's own
// `promtool check metrics` (Debian's prometheus package; that test is
// skipped without it), and counters that add up to the requests sent.
#include <gtest/gtest.h>

#include <boost/json.hpp>  // compiled once, in libbrick
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <thread>

#include "brick/serve/server.h"
#include "http_client.h"

namespace {

using namespace serve_test;

// "name{labels}" -> value, for every sample line of a page.
std::map<std::string, double> samples(const std::string& page) {
  std::map<std::string, double> out;
  size_t start = 0;
  while (start < page.size()) {
    size_t end = page.find('\n', start);
    if (end == std::string::npos) end = page.size();
    std::string line = page.substr(start, end - start);
    start = end + 1;
    if (line.empty() || line[0] == '#') continue;
    size_t space = line.rfind(' ');
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}

double sum_of(const std::map<std::string, double>& s, const std::string& prefix, const std::string& containing = "") {
  double total = 0;
  for (const auto& [key, value] : s) {
    if (key.rfind(prefix, 0) == 0 && key.find(containing) != std::string::npos) total += value;
  }
  return total;
}

class Metrics : public ::testing::Test {
 protected:
  void SetUp() override {
    brick::serve::ServeOptions options;
    options.port = 0;
    options.installed_pipelines = false;
    options.search.dirs = {TEST_PLUGIN_DIR, BRICK_BINARY_DIR "/lib/brick/plugins"};
    server_ = std::make_unique<brick::serve::Server>(options);
    server_->start();
    server_->wait_ready();
    port_ = server_->port();
  }
  void TearDown() override { server_->stop(brick::serve::StopMode::Cancel); }

  // Sends a known mix: returns how many requests were sent.
  int send_mix() {
    int sent = 0;
    for (int i = 0; i < 5; ++i, ++sent) EXPECT_EQ(get(port_, "/health").status, 200);
    for (int i = 0; i < 3; ++i, ++sent) {
      Answer answer = post(port_, "/v2/models/example.Affine/infer",
                           R"({"inputs": [{"name": "x", "datatype": "FP32", "shape": [2], "data": [1, 2]}]})");
      EXPECT_EQ(answer.status, 200) << answer.body;
    }
    for (int i = 0; i < 2; ++i, ++sent) {
      EXPECT_EQ(post(port_, "/v2/models/example.Affine/infer", R"({"inputs": []})").status, 400);
    }
    EXPECT_EQ(get(port_, "/v2/models/nope").status, 404);
    ++sent;
    EXPECT_EQ(get(port_, "/runs/r1-00000000").status, 404);
    ++sent;
    // A run that sleeps, and one queued behind it that is cancelled.
    Answer sleeping = post(port_, "/runs", R"({"block": "test_serve.Sleep", "inputs": {"ms": 300}})");
    EXPECT_EQ(sleeping.status, 202);
    Answer queued = post(port_, "/runs", R"({"block": "test_serve.Sleep"})");
    EXPECT_EQ(queued.status, 202);
    sent += 2;
    std::string id(queued.object()["id"].as_string());
    EXPECT_EQ(request(port_, http::verb::delete_, "/runs/" + id).object()["status"], "cancelled");
    ++sent;
    std::string first(sleeping.object()["id"].as_string());
    for (;;) {
      ++sent;
      if (get(port_, "/runs/" + first).object()["status"] == "done") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return sent;
  }

  std::unique_ptr<brick::serve::Server> server_;
  uint16_t port_ = 0;
};

TEST_F(Metrics, CountersAddUpToTheRequestsSent) {
  int sent = send_mix();
  Answer page = get(port_, "/metrics");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.headers["Content-Type"], "text/plain; version=0.0.4; charset=utf-8");
  std::map<std::string, double> s = samples(page.body);
  // Every request before this one, each counted once (this one is counted
  // as it is answered, after the page was made).
  EXPECT_EQ(sum_of(s, "brick_http_requests_total{"), sent) << page.body;
  EXPECT_EQ((s["brick_http_requests_total{route=\"/health\",method=\"GET\",code=\"200\"}"]), 5);
  EXPECT_EQ((s["brick_http_requests_total{route=\"/v2/models/{name}/infer\",method=\"POST\",code=\"200\"}"]), 3);
  EXPECT_EQ((s["brick_http_requests_total{route=\"/v2/models/{name}/infer\",method=\"POST\",code=\"400\"}"]), 2);
  EXPECT_EQ((s["brick_http_requests_total{route=\"/v2/models/{name}\",method=\"GET\",code=\"404\"}"]), 1);
  EXPECT_EQ((s["brick_http_requests_total{route=\"/runs/{id}\",method=\"DELETE\",code=\"200\"}"]), 1);
  // The latency histograms count the same requests.
  EXPECT_EQ(sum_of(s, "brick_http_request_duration_seconds_count{"), sent);
  EXPECT_EQ((s["brick_http_request_duration_seconds_bucket{route=\"/health\",le=\"+Inf\"}"]), 5);
  // Runs: 4 done, 1 cancelled before it ran (the 400s never became runs).
  EXPECT_EQ((s["brick_runs_finished_total{status=\"done\"}"]), 4);
  EXPECT_EQ((s["brick_runs_finished_total{status=\"cancelled\"}"]), 1);
  EXPECT_EQ(s["brick_runs_cancelled_total"], 1);
  EXPECT_EQ(s["brick_run_duration_seconds_count"], 4);  // the runs that ran
  EXPECT_GE(s["brick_run_duration_seconds_sum"], 0.3);
  EXPECT_EQ(s["brick_queue_depth"], 0);
  EXPECT_EQ(s["brick_runs_in_progress"], 0);
  EXPECT_EQ(s["brick_ready"], 1);
  EXPECT_EQ(s["brick_draining"], 0);
  EXPECT_EQ(s["brick_worker_restarts_total"], 0);
  EXPECT_GT((s["brick_device_memory_used_bytes{device=\"cpu\"}"]), 1e6);
  // Plugin reloads stay 0 until one is reported.
  EXPECT_EQ(s["brick_plugin_reloads_total"], 0);
  server_->record_plugin_reload(true);
  server_->record_plugin_reload(false);
  std::map<std::string, double> after = samples(get(port_, "/metrics").body);
  EXPECT_EQ(after["brick_plugin_reloads_total"], 1);
  EXPECT_EQ(after["brick_plugin_reload_failures_total"], 1);
  EXPECT_EQ((after["brick_http_requests_total{route=\"/metrics\",method=\"GET\",code=\"200\"}"]), 1);
}

TEST_F(Metrics, PromtoolChecksThePage) {
  if (std::system("command -v promtool > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "promtool is not installed (Debian's prometheus package): the page is not checked by it";
  send_mix();
  Answer page = get(port_, "/metrics");
  ASSERT_EQ(page.status, 200);
  std::string file = testing::TempDir() + "/brick_metrics.txt";
  std::ofstream(file) << page.body;
  std::string command = "promtool check metrics < " + file + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  int status = pclose(pipe);
  EXPECT_EQ(status, 0) << output << "\n" << page.body;
  EXPECT_EQ(output, "") << "promtool's lint found problems:\n" << output;
}

}  // namespace
