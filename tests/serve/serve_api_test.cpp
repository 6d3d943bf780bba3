// brick serve's HTTP API through a real socket on 127.0.0.1: every route,
// every bad input, cancellation in the middle of a loop, the queue limit,
// authentication, and two workers running at once with the results of
// `brick run`. The server is the library (Brick::serve) in this process,
// on a free port; the command's own behaviour is in serve_cli_test.cpp.
#include <gtest/gtest.h>

#include <boost/json.hpp>  // compiled once, in libbrick
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "brick/serve/server.h"
#include "cli/run_brick.h"
#include "http_client.h"

namespace {

using namespace serve_test;
namespace fs = std::filesystem;

const std::string kTests = BRICK_SOURCE_DIR "/tests/serve";

brick::serve::ServeOptions base_options() {
  brick::serve::ServeOptions options;
  options.port = 0;
  options.installed_pipelines = false;
  options.search.dirs = {TEST_PLUGIN_DIR, BRICK_BINARY_DIR "/lib/brick/plugins"};
  options.pipelines = {{"slow", kTests + "/slow_loop.json"},
                       {"text2image", BRICK_SOURCE_DIR "/pipelines/text2image.json"}};
  return options;
}

class Serve : public ::testing::Test {
 protected:
  void start(brick::serve::ServeOptions options = base_options()) {
    server_ = std::make_unique<brick::serve::Server>(std::move(options));
    server_->start();
    server_->wait_ready();
    port_ = server_->port();
  }
  void TearDown() override {
    if (server_) server_->stop(brick::serve::StopMode::Cancel);
  }
  // POST /runs with wait: the finished run.
  json::object run(const std::string& body) {
    Answer answer = post(port_, "/runs", body);
    EXPECT_EQ(answer.status, 200) << answer.body;
    return answer.object();
  }
  // Polls GET /runs/{id} until the run has ended.
  json::object wait_end(const std::string& id) {
    for (;;) {
      json::object state = get(port_, "/runs/" + id).object();
      std::string status(state["status"].as_string());
      if (status != "queued" && status != "running") return state;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  std::string submit(const std::string& body) {
    Answer answer = post(port_, "/runs", body);
    EXPECT_EQ(answer.status, 202) << answer.body;
    return std::string(answer.object()["id"].as_string());
  }
  void expect_error(const Answer& answer, int status, const std::string& code, const std::string& mentions) {
    EXPECT_EQ(answer.status, status) << answer.body;
    json::object error = answer.object()["error"].as_object();
    EXPECT_EQ(error["code"].as_string(), code) << answer.body;
    EXPECT_NE(std::string(error["message"].as_string()).find(mentions), std::string::npos) << answer.body;
  }

  std::unique_ptr<brick::serve::Server> server_;
  uint16_t port_ = 0;
};

TEST_F(Serve, HealthPluginsPipelines) {
  start();
  Answer health = get(port_, "/health");
  ASSERT_EQ(health.status, 200) << health.body;
  EXPECT_EQ(health.object()["status"].as_string(), "ok");
  EXPECT_EQ(health.object()["pipelines"].as_int64(), 2);
  EXPECT_GE(health.object()["plugins"].as_int64(), 5);  // example, test_serve, core, image, shapes

  json::array pipelines = get(port_, "/pipelines").object()["pipelines"].as_array();
  ASSERT_EQ(pipelines.size(), 2u);
  json::object slow = pipelines[0].as_object();
  EXPECT_EQ(slow["name"].as_string(), "slow");
  EXPECT_NE(std::string(slow["doc"].as_string()).find("num_steps"), std::string::npos);
  bool saw_ms = false;
  for (const json::value& input : slow["inputs"].as_array()) {
    if (input.at("name") == "ms") {
      saw_ms = true;
      EXPECT_EQ(input.at("type"), "int");
      EXPECT_EQ(input.at("default"), 20);  // the file's input, over the block's default 0
    }
  }
  EXPECT_TRUE(saw_ms);

  json::object plugins = get(port_, "/plugins").object();
  bool saw_test_serve = false;
  for (const json::value& plugin : plugins["plugins"].as_array()) {
    if (plugin.at("name") == "test_serve") {
      saw_test_serve = true;
      EXPECT_EQ(plugin.at("version"), "1.0.0");
      EXPECT_EQ(plugin.at("generation"), 1);
      EXPECT_NE(std::string(plugin.at("file").as_string()).find("test_serve.so"), std::string::npos);
      EXPECT_EQ(plugin.at("blocks").as_array().size(), 2u);
    }
  }
  EXPECT_TRUE(saw_test_serve);

  // Reloading a plugin whose file did not change: nothing to do
  // (serve_reload_test.cpp reloads new builds under load).
  Answer reloaded = post(port_, "/plugins/reload", R"({"name": "test_serve"})");
  ASSERT_EQ(reloaded.status, 200) << reloaded.body;
  EXPECT_EQ(reloaded.object()["events"].as_array().at(0).at("event"), "unchanged") << reloaded.body;
  Answer page = get(port_, "/");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<title>brick serve</title>"), std::string::npos);
}

TEST_F(Serve, BlockRunWithTensors) {
  start();
  json::object answer =
      run(R"({"block": "example.Affine", "inputs": {"x": {"tensor": [[1, 2], [3, 4]], "dtype": "float32"},
              "scale": 3.0, "shift": 1}, "wait": true})");
  ASSERT_EQ(answer["status"], "done") << json::serialize(answer);
  EXPECT_EQ(answer["block"], "example.Affine");
  json::object y = answer["result"].at("outputs").at("y").as_object();
  EXPECT_EQ(json::serialize(y["shape"]), "[2,2]");
  EXPECT_EQ(y["dtype"], "float32");
  json::array rows = y["tensor"].as_array();
  EXPECT_DOUBLE_EQ(rows[0].at(0).to_number<double>(), 4.0);
  EXPECT_DOUBLE_EQ(rows[1].at(1).to_number<double>(), 13.0);

  // Over 4096 elements: dtype and shape only.
  json::object big = run(R"({"block": "example.RandomLatents", "inputs": {"height": 512, "width": 512},
                            "outputs": ["latents"], "wait": true})");
  ASSERT_EQ(big["status"], "done") << json::serialize(big);
  json::object latents = big["result"].at("outputs").at("latents").as_object();
  EXPECT_EQ(json::serialize(latents["shape"]), "[1,4,64,64]");
  EXPECT_FALSE(latents.contains("tensor") && latents["tensor"].is_array());

  // 202 and then GET /runs/{id}.
  std::string id = submit(R"({"block": "test_serve.Sleep", "inputs": {"value": 7}})");
  json::object done = wait_end(id);
  EXPECT_EQ(done["status"], "done");
  EXPECT_EQ(done["result"].at("outputs").at("result"), 7);
}

TEST_F(Serve, BadRequestsAreRefusedWithReasons) {
  brick::serve::ServeOptions options = base_options();
  options.body_limit = 4096;
  options.idle_timeout = std::chrono::milliseconds(300);
  start(options);
  expect_error(post(port_, "/runs", R"({"pipeline": "slow",)"), 400, "malformed_json", "not valid JSON");
  expect_error(post(port_, "/runs", R"([1, 2])"), 400, "invalid_request", "JSON object");
  expect_error(post(port_, "/runs", R"({"pipeline": "slwo"})"), 404, "unknown_pipeline",
               "the pipelines: slow, text2image");
  expect_error(post(port_, "/runs", R"({"block": "example.Nope"})"), 404, "unknown_block", "example.Nope");
  expect_error(post(port_, "/runs", R"({"block": "nosuchplugin.Block"})"), 404, "unknown_block", "nosuchplugin");
  expect_error(post(port_, "/runs", R"({"pipeline": "slow", "block": "example.Affine"})"), 400, "invalid_request",
               "one of");
  expect_error(post(port_, "/runs", R"({"pipeline": "slow", "inputs": {"mss": 1}})"), 400, "unknown_input",
               "unknown input 'mss'");
  expect_error(post(port_, "/runs", R"({"pipeline": "slow", "inputs": {"ms": "fast"}})"), 400, "invalid_input",
               "input 'ms' of slow: expected an integer (int), got a string");
  expect_error(post(port_, "/runs", R"({"pipeline": "text2image", "inputs": {"output": "/etc/x.png"}})"), 400,
               "invalid_input", "input 'output'");
  expect_error(post(port_, "/runs", R"({"pipeline": "text2image", "workflow": "nope"})"), 400, "unknown_workflow",
               "text2image");
  expect_error(post(port_, "/runs", R"({"block": "example.Affine", "inputs": {"x": {"tensor": "no"}}})"), 400,
               "invalid_input", "input 'x'");
  expect_error(post(port_, "/runs", R"({"pipeline": "slow", "colour": 1})"), 400, "invalid_request",
               "unknown field 'colour'");
  expect_error(post(port_, "/runs", std::string(5000, ' ') + "{}"), 413, "body_too_large", "4096");
  expect_error(get(port_, "/runs/nope"), 404, "unknown_run", "nope");
  expect_error(get(port_, "/nowhere"), 404, "unknown_route", "/nowhere");
  expect_error(request(port_, http::verb::put, "/runs", "{}"), 405, "method_not_allowed", "POST");

  // A request that stops half-way gets 408 after the idle timeout.
  {
    Answer answer =
        send_raw(port_, "POST /runs HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"pipe", /*wait_seconds=*/60);
    EXPECT_EQ(answer.status, 408) << answer.body;
  }
  // Nothing else happened: the server still serves, with no run made.
  Answer health = get(port_, "/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.object()["queued"], 0);
}

TEST_F(Serve, FailedRunReportsTheBlockAndServingGoesOn) {
  start();
  json::object failed = run(R"({"block": "test_throwing.Explode", "wait": true})");
  EXPECT_EQ(failed["status"], "failed");
  std::string message(failed["error"].at("message").as_string());
  EXPECT_NE(message.find("boom"), std::string::npos) << message;
  EXPECT_NE(message.find("Explode"), std::string::npos) << message;
  json::object ok = run(R"({"block": "test_serve.Sleep", "inputs": {"value": 3}, "wait": true})");
  EXPECT_EQ(ok["status"], "done");
}

TEST_F(Serve, CancelInTheMiddleOfALoop) {
  start();
  std::string id = submit(R"({"pipeline": "slow", "inputs": {"num_steps": 1000, "ms": 20}})");
  bool cancelled = false;
  std::vector<Event> events = read_events(port_, "/runs/" + id + "/events", [&](const Event& event) {
    if (event.name == "progress" && !cancelled) {
      EXPECT_EQ(event.data.at("run").as_string(), id);
      EXPECT_EQ(event.data.at("total"), 1000);
      Answer answer = request(port_, http::verb::delete_, "/runs/" + id);
      EXPECT_EQ(answer.status, 200) << answer.body;
      cancelled = true;
    }
    return true;  // to the end of the stream
  });
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().name, "cancelled");
  json::object state = get(port_, "/runs/" + id).object();
  EXPECT_EQ(state["status"], "cancelled");
  EXPECT_EQ(state["error"].at("code"), "cancelled");
  EXPECT_LT(state["progress"].at("step").as_int64(), 1000);
  EXPECT_GE(state["progress"].at("step").as_int64(), 1);
}

TEST_F(Serve, QueueLimitAndCancellingAQueuedRun) {
  brick::serve::ServeOptions options = base_options();
  options.queue_size = 1;
  start(options);
  std::string running = submit(R"({"pipeline": "slow"})");
  while (get(port_, "/runs/" + running).object()["status"] == "queued")
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::string queued = submit(R"({"block": "test_serve.Sleep"})");
  Answer full = post(port_, "/runs", R"({"block": "test_serve.Sleep"})");
  expect_error(full, 429, "queue_full", "queue is full");
  EXPECT_EQ(full.headers["Retry-After"], "1");

  Answer dropped = request(port_, http::verb::delete_, "/runs/" + queued);
  EXPECT_EQ(dropped.status, 200);
  EXPECT_EQ(get(port_, "/runs/" + queued).object()["status"], "cancelled");
  request(port_, http::verb::delete_, "/runs/" + running);
  EXPECT_EQ(wait_end(running)["status"], "cancelled");
  // The queue has room again.
  EXPECT_EQ(run(R"({"block": "test_serve.Sleep", "wait": true})")["status"], "done");
}

TEST_F(Serve, TokenIsRequiredWhenGiven) {
  brick::serve::ServeOptions options = base_options();
  options.token = "s3cret-token";
  start(options);
  expect_error(get(port_, "/health"), 401, "unauthorized", "Authorization: Bearer");
  expect_error(get(port_, "/health", {{"Authorization", "Bearer wrong-token!"}}), 401, "unauthorized", "Bearer");
  expect_error(get(port_, "/health", {{"Authorization", "Bearer s3cret-toke"}}), 401, "unauthorized", "Bearer");
  EXPECT_EQ(get(port_, "/health", {{"Authorization", "Bearer s3cret-token"}}).status, 200);
  EXPECT_EQ(get(port_, "/").status, 200);  // the page itself holds nothing
  // Another address than loopback without a token is refused.
  brick::serve::ServeOptions open = base_options();
  open.host = "0.0.0.0";
  try {
    brick::serve::Server refused(open);
    FAIL() << "0.0.0.0 without a token was accepted";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("without --token-file"), std::string::npos) << e.what();
  }
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Two workers run two requests at once (their sleeps overlap in time), and
// text2image answers the very bytes `brick run` writes for the same seed.
TEST_F(Serve, TwoWorkersRunAtOnceWithTheResultsOfBrickRun) {
  brick::serve::ServeOptions options = base_options();
  options.workers = 2;
  start(options);
  std::string a = submit(R"({"block": "test_serve.Sleep", "inputs": {"ms": 300}})");
  std::string b = submit(R"({"block": "test_serve.Sleep", "inputs": {"ms": 300}})");
  json::object ra = wait_end(a), rb = wait_end(b);
  ASSERT_EQ(ra["status"], "done");
  ASSERT_EQ(rb["status"], "done");
  auto span = [](json::object& r) {
    const json::object& out = r["result"].at("outputs").as_object();
    return std::pair<int64_t, int64_t>(out.at("started_ns").as_int64(), out.at("ended_ns").as_int64());
  };
  auto [a0, a1] = span(ra);
  auto [b0, b1] = span(rb);
  EXPECT_TRUE(a0 < b1 && b0 < a1) << "the runs did not overlap: [" << a0 << ", " << a1 << "] [" << b0 << ", " << b1
                                  << "]";
  EXPECT_NE(ra["worker"], rb["worker"]);

  fs::path dir = fs::temp_directory_path() / ("brick-serve-test-" + std::to_string(getpid()));
  fs::create_directories(dir);
  cli_run::Result cli =
      cli_run::brick("run " BRICK_SOURCE_DIR "/pipelines/text2image.json prompt='a blue square' seed=7 -o " +
                     (dir / "cli.png").string());
  ASSERT_EQ(cli.status, 0) << cli.output;
  std::string expected = read_file(dir / "cli.png");
  ASSERT_GT(expected.size(), 8u);
  std::vector<std::string> ids;
  for (int i = 0; i < 2; ++i)
    ids.push_back(submit(R"({"pipeline": "text2image", "inputs": {"prompt": "a blue square", "seed": 7}})"));
  for (const std::string& id : ids) {
    json::object done = wait_end(id);
    ASSERT_EQ(done["status"], "done") << json::serialize(done);
    std::string url(done["result"].at("images").at(0).as_string());
    EXPECT_EQ(url, "/runs/" + id + "/images/0.png");
    EXPECT_EQ(done["result"].at("outputs").at("image_paths").at(0).as_string(), url);  // no server path leaks out
    Answer png = get(port_, url);
    EXPECT_EQ(png.status, 200);
    EXPECT_EQ(png.headers["Content-Type"], "image/png");
    EXPECT_TRUE(png.body == expected) << "the server's PNG differs from brick run's";
  }
  expect_error(get(port_, "/runs/" + ids[0] + "/images/1.png"), 404, "unknown_image", "no image 1");
  fs::remove_all(dir);
}

}  // namespace

namespace {

// `with_text2image`: the workers load it too (each start then takes longer).
brick::serve::ServeOptions isolated_options(int workers, bool with_text2image) {
  brick::serve::ServeOptions options = base_options();
  if (!with_text2image) options.pipelines.resize(1);
  options.isolation = brick::serve::Isolation::Process;
  options.workers = workers;
  options.worker_command = {
      BRICK_BINARY_DIR "/bin/brick",        "serve", "--no-installed", "-P", TEST_PLUGIN_DIR, "-P",
      BRICK_BINARY_DIR "/lib/brick/plugins"};
  for (const auto& [name, file] : options.pipelines) {
    options.worker_command.push_back("--pipeline");
    options.worker_command.push_back(name + "=" + file.string());
  }
  return options;
}

// A block that kills its worker process fails only its own run, with the
// block and the signal named; the other worker's run goes on, and the dead
// worker is replaced.
TEST_F(Serve, IsolatedWorkerCrashFailsOnlyItsRun) {
  // The workers (children of this process) let fatal signals reach brick's
  // handler: under the sanitizer build AddressSanitizer would otherwise catch
  // SIGSEGV itself and exit with status 1 instead of dying of the signal.
  const char* current = std::getenv("ASAN_OPTIONS");
  std::string asan = std::string(current ? current : "") + (current && *current ? ":" : "") +
                     "handle_segv=0:handle_sigbus=0:handle_abort=0";
  setenv("ASAN_OPTIONS", asan.c_str(), 1);
  start(isolated_options(2, false));
  std::string sleeper = submit(R"({"block": "test_serve.Sleep", "inputs": {"ms": 1000, "value": 5}})");
  while (get(port_, "/runs/" + sleeper).object()["status"] == "queued")
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  json::object crashed = run(R"({"block": "test_serve.Crash", "wait": true})");
  ASSERT_EQ(crashed["status"], "failed") << json::serialize(crashed);
  json::object error = crashed["error"].as_object();
  EXPECT_EQ(error["code"], "worker_died");
  EXPECT_EQ(error["block"], "test_serve.Crash");
  std::string message(error["message"].as_string());
  EXPECT_NE(message.find("test_serve.Crash"), std::string::npos) << message;
  EXPECT_NE(message.find("SIGSEGV"), std::string::npos) << message;

  json::object slept = wait_end(sleeper);
  EXPECT_EQ(slept["status"], "done") << json::serialize(slept);
  EXPECT_EQ(slept["result"].at("outputs").at("result"), 5);
  int64_t worker_pid = slept["result"].at("outputs").at("pid").as_int64();
  EXPECT_NE(worker_pid, getpid());  // it ran in a worker process

  json::object aborted = run(R"({"block": "test_serve.Crash", "inputs": {"signal": "SIGABRT"}, "wait": true})");
  EXPECT_NE(std::string(aborted["error"].at("message").as_string()).find("SIGABRT"), std::string::npos);
  // Both workers serve again.
  for (int i = 0; i < 4; ++i) {
    json::object ok = run(R"({"block": "test_serve.Sleep", "inputs": {"value": 9}, "wait": true})");
    EXPECT_EQ(ok["status"], "done") << json::serialize(ok);
  }
  Answer health = get(port_, "/health");
  EXPECT_EQ(health.status, 200);
  // Both deaths are counted in GET /metrics (a restart is counted as it
  // begins, right after the failed run's answer).
  std::string page;
  for (int i = 0; i < 1000; ++i) {
    page = get(port_, "/metrics").body;
    if (page.find("\nbrick_worker_restarts_total 2\n") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_NE(page.find("\nbrick_worker_restarts_total 2\n"), std::string::npos) << page;
}

// Progress, cancellation and images cross the worker's socket.
TEST_F(Serve, IsolatedWorkerStreamsAndCancels) {
  start(isolated_options(1, true));
  std::string id = submit(R"({"pipeline": "slow", "inputs": {"num_steps": 1000, "ms": 20}})");
  bool cancelled = false;
  std::vector<Event> events = read_events(port_, "/runs/" + id + "/events", [&](const Event& event) {
    if (event.name == "progress" && !cancelled) {
      EXPECT_EQ(request(port_, http::verb::delete_, "/runs/" + id).status, 200);
      cancelled = true;
    }
    return true;
  });
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().name, "cancelled");
  EXPECT_LT(get(port_, "/runs/" + id).object()["progress"].at("step").as_int64(), 1000);

  json::object image = run(R"({"pipeline": "text2image", "inputs": {"prompt": "a red circle"}, "wait": true})");
  ASSERT_EQ(image["status"], "done") << json::serialize(image);
  Answer png = get(port_, std::string(image["result"].at("images").at(0).as_string()));
  EXPECT_EQ(png.status, 200);
  EXPECT_EQ(png.body.compare(0, 8, "\x89PNG\r\n\x1a\n"), 0);
}

}  // namespace
