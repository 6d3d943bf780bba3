// The brick serve command as a user starts it: refusals that exit 2, and
// SIGTERM ending a server with a run in progress with exit status 0 (a drain
// that waits is in serve_drain_test.cpp).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "cli/run_brick.h"
#include "http_client.h"
#include "serve_command.h"

namespace {

using namespace serve_test;

TEST(ServeCommand, RefusesAnOpenAddressWithoutAToken) {
  cli_run::Result result = cli_run::brick("serve --host 0.0.0.0 --port 0 --no-installed");
  EXPECT_EQ(result.status, 2) << result.output;
  EXPECT_TRUE(cli_run::contains(result.output, "without --token-file")) << result.output;

  std::string empty = testing::TempDir() + "/empty-token";
  std::ofstream(empty) << "\n";
  result = cli_run::brick("serve --host 0.0.0.0 --port 0 --no-installed --token-file " + empty);
  EXPECT_EQ(result.status, 2) << result.output;
  EXPECT_TRUE(cli_run::contains(result.output, "the file is empty")) << result.output;

  result = cli_run::brick("serve --port 0 --no-installed --pipeline =x.json");
  EXPECT_EQ(result.status, 2) << result.output;
  EXPECT_TRUE(cli_run::contains(result.output, "NAME=FILE.json")) << result.output;

  // A pipeline that cannot be loaded ends the server, naming it.
  result = cli_run::brick("serve --port 0 --no-installed --pipeline gone=/nonexistent/gone.json");
  EXPECT_EQ(result.status, 1) << result.output;
  EXPECT_TRUE(cli_run::contains(result.output, "pipeline 'gone'")) << result.output;
}

TEST(ServeCommand, SigtermStopsTheServerWithStatusZero) {
  ServeCommand command = start_serve_command("0");
  ASSERT_GT(command.pid, 0);
  ASSERT_NE(command.port, 0) << command.text;
  const pid_t pid = command.pid;
  const uint16_t port = command.port;
  std::string& text = command.text;
  // /health is 503 while loading, then 200.
  int status = 0;
  while ((status = get(port, "/health").status) == 503) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(status, 200);
  Answer submitted = post(port, "/runs", R"({"pipeline": "slow_loop"})");
  ASSERT_EQ(submitted.status, 202) << submitted.body;

  kill(pid, SIGTERM);
  read_until(command.err, text, "stopped");
  int wait_status = 0;
  ASSERT_EQ(waitpid(pid, &wait_status, 0), pid);
  close(command.err);
  ASSERT_TRUE(WIFEXITED(wait_status)) << text;
  EXPECT_EQ(WEXITSTATUS(wait_status), 0) << text;
  EXPECT_TRUE(cli_run::contains(text, "got SIGTERM")) << text;
  // --drain-timeout 0: the 20 s run is not waited for.
  EXPECT_TRUE(cli_run::contains(text, "the drain timeout: queued runs are cancelled")) << text;
}

}  // namespace
