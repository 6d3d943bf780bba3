// A graceful drain of the brick serve command: on SIGTERM readiness fails at
// once, liveness stays up, new runs get 503, the queued and running runs
// finish and their clients get their answers, then the command exits 0.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <future>
#include <thread>

#include "cli/run_brick.h"
#include "http_client.h"

namespace {

using namespace serve_test;

// Reads the child's stderr into `text` until it holds `marker`; false at EOF.
bool read_until(int fd, std::string& text, const std::string& marker) {
  while (text.find(marker) == std::string::npos) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 120000) <= 0) return false;
    char chunk[4096];
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n <= 0) return false;
    text.append(chunk, static_cast<size_t>(n));
  }
  return true;
}

TEST(ServeDrain, SigtermFinishesTheRunsTakenAndRefusesNewOnes) {
  int err[2];
  ASSERT_EQ(pipe(err), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(err[1], 2);
    close(err[0]);
    execl(BRICK_BINARY_DIR "/bin/brick", "brick", "serve", "--port", "0", "--no-installed", "-P", TEST_PLUGIN_DIR, "-P",
          BRICK_BINARY_DIR "/lib/brick/plugins", "--pipeline", BRICK_SOURCE_DIR "/tests/serve/slow_loop.json",
          "--drain-timeout", "60", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(err[1]);
  std::string text;
  ASSERT_TRUE(read_until(err[0], text, "listening on http://127.0.0.1:")) << text;
  ASSERT_TRUE(read_until(err[0], text, "/\n")) << text;
  size_t at = text.find("listening on http://127.0.0.1:") + 30;
  uint16_t port = static_cast<uint16_t>(std::stoi(text.substr(at)));
  while (get(port, "/v2/health/ready").status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(20));

  // One run running and two queued (one worker), each with a client waiting
  // for its answer: 3 x 10 steps of 40 ms.
  std::vector<std::future<Answer>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(std::async(std::launch::async, [port] {
      return post(port, "/runs", R"({"pipeline": "slow_loop", "inputs": {"num_steps": 10, "ms": 40}, "wait": true})");
    }));
  }
  for (;;) {
    json::object health = get(port, "/health").object();
    if (health["queued"] == 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(pid, SIGTERM);
  // Readiness fails at once (before the runs end), liveness stays up, new runs get 503.
  int ready = 200;
  for (int i = 0; i < 200 && (ready = get(port, "/v2/health/ready").status) == 200; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(ready, 400);
  EXPECT_EQ(get(port, "/v2/health/live").status, 200);
  Answer refused = post(port, "/runs", R"({"pipeline": "slow_loop", "inputs": {"num_steps": 1}})");
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(get(port, "/health").object()["status"], "draining");
  std::string metrics = get(port, "/metrics").body;
  EXPECT_NE(metrics.find("\nbrick_draining 1\n"), std::string::npos) << metrics;

  // Every run taken finishes, and its client gets the answer.
  for (auto& client : clients) {
    Answer answer = client.get();
    ASSERT_EQ(answer.status, 200) << answer.body;
    EXPECT_EQ(answer.object()["status"], "done") << answer.body;
  }
  read_until(err[0], text, "stopped");
  int wait_status = 0;
  ASSERT_EQ(waitpid(pid, &wait_status, 0), pid);
  close(err[0]);
  ASSERT_TRUE(WIFEXITED(wait_status)) << text;
  EXPECT_EQ(WEXITSTATUS(wait_status), 0) << text;
  EXPECT_TRUE(cli_run::contains(text, "draining for up to 60")) << text;
  EXPECT_TRUE(cli_run::contains(text, "drained in")) << text;
}

}  // namespace
