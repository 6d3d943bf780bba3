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

// Reads the child's stderr until `marker` appears (and, when `until` is
// given, `until` after it); returns what lies between the two (the marker
// itself without `until`), "" at EOF. (No <regex>: GCC 12 warns inside it
// under ASan, and -Werror makes that fatal.)
std::string read_until(int fd, std::string& text, const std::string& marker, const std::string& until = {}) {
  for (;;) {
    if (size_t at = text.find(marker); at != std::string::npos) {
      const size_t from = at + marker.size();
      if (until.empty()) return marker;
      if (size_t end = text.find(until, from); end != std::string::npos) return text.substr(from, end - from);
    }
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 120000) <= 0) return {};
    char chunk[4096];
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n <= 0) return {};
    text.append(chunk, static_cast<size_t>(n));
  }
}

TEST(ServeCommand, SigtermStopsTheServerWithStatusZero) {
  int err[2];
  ASSERT_EQ(pipe(err), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(err[1], 2);
    close(err[0]);
    execl(BRICK_BINARY_DIR "/bin/brick", "brick", "serve", "--port", "0", "--no-installed", "-P", TEST_PLUGIN_DIR, "-P",
          BRICK_BINARY_DIR "/lib/brick/plugins", "--pipeline", BRICK_SOURCE_DIR "/tests/serve/slow_loop.json",
          "--drain-timeout", "0", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(err[1]);
  std::string text;
  std::string port_text = read_until(err[0], text, "listening on http://127.0.0.1:", "/");
  ASSERT_FALSE(port_text.empty()) << text;
  uint16_t port = static_cast<uint16_t>(std::stoi(port_text));
  // /health is 503 while loading, then 200.
  int status = 0;
  while ((status = get(port, "/health").status) == 503) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(status, 200);
  Answer submitted = post(port, "/runs", R"({"pipeline": "slow_loop"})");
  ASSERT_EQ(submitted.status, 202) << submitted.body;

  kill(pid, SIGTERM);
  read_until(err[0], text, "stopped");
  int wait_status = 0;
  ASSERT_EQ(waitpid(pid, &wait_status, 0), pid);
  close(err[0]);
  ASSERT_TRUE(WIFEXITED(wait_status)) << text;
  EXPECT_EQ(WEXITSTATUS(wait_status), 0) << text;
  EXPECT_TRUE(cli_run::contains(text, "got SIGTERM")) << text;
  // --drain-timeout 0: the 20 s run is not waited for.
  EXPECT_TRUE(cli_run::contains(text, "the drain timeout: queued runs are cancelled")) << text;
}

}  // namespace
