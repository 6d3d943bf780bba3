// Crashes name their block (issue 12): a block that segfaults or aborts
// kills the process with that signal, and stderr says which block of which
// plugin (name, version, file) in which run. Each crash runs in a child
// process: a gtest death test, and the brick command itself.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "brick/host/base/crash_report.h"
#include "brick/host/blocks/run_context.h"
#include "hardening_support.h"

extern char** environ;

using namespace brick::host;

namespace {

void run_crashing(const std::string& block, const std::string& run_id) {
  install_crash_handler();
  ModularPipeline pipe = brick::test::pipeline_of(block);
  RunOptions options;
  options.run_id = run_id;
  pipe.run({}, options);
}

std::string plugin_file() { return brick::test::plugin_path("test_hardening_c"); }

// Children started from here (death tests re-run this binary; the brick
// command) let fatal signals reach brick's handler: under the sanitizer
// build (tests/run.sh) AddressSanitizer would otherwise catch SIGSEGV itself
// and exit with status 1. No effect on a build without sanitizers.
void let_signals_through_sanitizers() {
  const char* flags = "handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0:handle_abort=0";
  const char* current = std::getenv("ASAN_OPTIONS");
  std::string options = current && *current ? std::string(current) + ":" + flags : flags;
  if (!current || std::string(current).find(flags) == std::string::npos) setenv("ASAN_OPTIONS", options.c_str(), 1);
}

}  // namespace

TEST(CrashReportsDeathTest, ASegfaultNamesTheBlockAndKeepsItsSignal) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  let_signals_through_sanitizers();
  EXPECT_EXIT(run_crashing("test_hardening_c.Segfault", "segv-run"), testing::KilledBySignal(SIGSEGV),
              "brick: fatal signal SIGSEGV \\(invalid memory access\\) in block 'test_hardening_c.Segfault' of "
              "plugin 'test_hardening_c' 0.0.1 \\(" +
                  plugin_file() + "\\), run 'segv-run'");
}

TEST(CrashReportsDeathTest, AnAbortNamesTheBlockAndKeepsItsSignal) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  let_signals_through_sanitizers();
  EXPECT_EXIT(run_crashing("test_hardening_c.Abort", "abort-run"), testing::KilledBySignal(SIGABRT),
              "brick: fatal signal SIGABRT \\(abort\\) in block 'test_hardening_c.Abort' of plugin 'test_hardening_c' "
              "0.0.1 \\(" +
                  plugin_file() + "\\), run 'abort-run'");
}

TEST(CrashReportsDeathTest, OutsideAnyCallTheHostIsBlamed) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  let_signals_through_sanitizers();
  EXPECT_EXIT(
      {
        install_crash_handler();
        raise(SIGFPE);
      },
      testing::KilledBySignal(SIGFPE), "brick: fatal signal SIGFPE \\(arithmetic error\\) outside any plugin call");
}

TEST(CrashReports, FramesNestAndEnd) {
  EXPECT_EQ(CrashFrame::current(), nullptr);
  {
    CrashFrame outer("block 'a.Loop'", "run-7");
    {
      CrashFrame inner("block 'a.Step'");
      ASSERT_EQ(CrashFrame::current(), &inner);
      EXPECT_STREQ(inner.outer()->what(), "block 'a.Loop'");
      EXPECT_STREQ(inner.outer()->run_id(), "run-7");
    }
    EXPECT_EQ(CrashFrame::current(), &outer);
  }
  EXPECT_EQ(CrashFrame::current(), nullptr);
}

TEST(CrashReportsDeathTest, ALoopStepNamesTheLoopToo) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  let_signals_through_sanitizers();
  EXPECT_EXIT(
      {
        install_crash_handler();
        CrashFrame loop("block 'a.Loop' of plugin 'a' 1.0 (/a.so)", "r");
        CrashFrame step("block 'a.Step' of plugin 'a' 1.0 (/a.so)", "r");
        raise(SIGBUS);
      },
      testing::KilledBySignal(SIGBUS),
      "in block 'a.Step' of plugin 'a' 1.0 \\(/a.so\\), run 'r'\nbrick:   called from block 'a.Loop'");
}

#ifdef BRICK_CLI_PATH
namespace {
struct Spawned {
  int status = 0;  // as waitpid gives it
  std::string output;
};

// Runs the brick command directly (no shell between, so a signal is seen as
// such), stdout and stderr together.
Spawned run_brick(std::vector<std::string> args) {
  Spawned result;
  int out[2];
  if (pipe(out) != 0) return result;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDERR_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  args.insert(args.begin(), BRICK_CLI_PATH);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t child = 0;
  int spawned = posix_spawn(&child, BRICK_CLI_PATH, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  std::array<char, 4096> buffer;
  for (ssize_t n; (n = read(out[0], buffer.data(), buffer.size())) > 0;) result.output.append(buffer.data(), n);
  close(out[0]);
  if (spawned == 0) waitpid(child, &result.status, 0);
  return result;
}
}  // namespace

// The brick command installs the handler: what a user sees.
TEST(CrashReports, TheBrickCommandNamesTheCrashingBlock) {
  let_signals_through_sanitizers();
  std::string file = plugin_file();
  Spawned r = run_brick({"run", "-p", file, "test_hardening_c.Segfault"});
  ASSERT_TRUE(WIFSIGNALED(r.status)) << r.output;
  EXPECT_EQ(WTERMSIG(r.status), SIGSEGV);  // a shell shows exit status 139
  EXPECT_NE(r.output.find("brick: fatal signal SIGSEGV (invalid memory access) in block 'test_hardening_c.Segfault' "
                          "of plugin 'test_hardening_c' 0.0.1 (" +
                          file + "), run 'run-1'"),
            std::string::npos)
      << r.output;
}

TEST(CrashReports, TheBrickCommandTakesDebugSync) {
  // On a CPU pipeline there is nothing to synchronise; the run is the same.
  Spawned r = run_brick({"run", "--debug-sync", "-p", brick::test::plugin_path("test_hardening"),
                         "test_hardening.ReportCallGuards", "--show", "inference_mode"});
  ASSERT_TRUE(WIFEXITED(r.status)) << r.output;
  EXPECT_EQ(WEXITSTATUS(r.status), 0) << r.output;
  EXPECT_EQ(r.output, "inference_mode = True\n");
}
#endif
