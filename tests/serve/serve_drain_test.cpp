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
#include "serve_command.h"

namespace {

using namespace serve_test;

TEST(ServeDrain, SigtermFinishesTheRunsTakenAndRefusesNewOnes) {
  ServeCommand command = start_serve_command("60");
  ASSERT_GT(command.pid, 0);
  ASSERT_NE(command.port, 0) << command.text;
  const pid_t pid = command.pid;
  const uint16_t port = command.port;
  std::string& text = command.text;
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
  read_until(command.err, text, "stopped");
  int wait_status = 0;
  ASSERT_EQ(waitpid(pid, &wait_status, 0), pid);
  close(command.err);
  ASSERT_TRUE(WIFEXITED(wait_status)) << text;
  EXPECT_EQ(WEXITSTATUS(wait_status), 0) << text;
  EXPECT_TRUE(cli_run::contains(text, "draining for up to 60")) << text;
  EXPECT_TRUE(cli_run::contains(text, "drained in")) << text;
}

}  // namespace
