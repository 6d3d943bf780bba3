#include "brick/registry/scanner.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "brick/registry/error.h"
#include "brick/registry/search_path.h"

extern char** environ;

namespace brick::registry {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

fs::path default_scanner_path() {
  if (const char* env = std::getenv("BRICK_PLUGIN_SCANNER"); env && *env) return env;
  fs::path plugins = installed_plugin_dir();
  if (plugins.empty()) return "brick-plugin-scanner";
  return plugins.parent_path() / "brick-plugin-scanner";
}

namespace {

std::string signal_text(int sig) {
  std::string text = "signal ";
  text += std::to_string(sig);
  if (const char* abbrev = sigabbrev_np(sig)) {
    text += " (SIG";
    text += abbrev;
    text += ", ";
    text += strsignal(sig);
    text += ")";
  }
  return text;
}

ScanOutcome bad(const fs::path& path, std::string reason) {
  ScanOutcome out;
  out.path = path;
  out.record.path = path;
  out.record.bad = true;
  out.record.reason = std::move(reason);
  return out;
}

// The last lines of what the child wrote to stderr: the plugin's own last
// words (an assertion message before abort, say).
std::string tail_of(const std::string& err) {
  std::string t = err;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  if (t.size() > 400) t = "..." + t.substr(t.size() - 400);
  return t;
}

// The parent's environment, except that a sanitizer build of the scanner
// must die by the plugin's own signal (AddressSanitizer would otherwise turn
// a SIGSEGV into a report and exit status 1, hiding what happened).
std::vector<std::string> child_environment() {
  static const char* const kFlags = "handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_abort=0";
  std::vector<std::string> env;
  std::string asan = "ASAN_OPTIONS=", ubsan = "UBSAN_OPTIONS=";
  for (char** e = environ; *e; ++e) {
    std::string entry = *e;
    if (entry.rfind(asan, 0) == 0) {
      asan = entry + ":";
    } else if (entry.rfind(ubsan, 0) == 0) {
      ubsan = entry + ":";
    } else {
      env.push_back(std::move(entry));
    }
  }
  env.push_back(asan + kFlags);
  env.push_back(ubsan + kFlags);
  return env;
}

class Child {
 public:
  Child(const fs::path& scanner, const std::vector<fs::path>& files) {
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
      throw RegistryError(std::string("cannot start the plugin scanner: pipe: ") + std::strerror(errno));
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    std::vector<std::string> args{scanner.string()};
    for (const auto& f : files) args.push_back(f.string());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env = child_environment();
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    int rc = posix_spawn(&pid_, scanner.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    ::close(err[1]);
    out_ = out[0];
    err_ = err[0];
    if (rc != 0) {
      close_fds();
      throw RegistryError("cannot start the plugin scanner " + scanner.string() + ": " + std::strerror(rc));
    }
  }
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    close_fds();
  }

  // Reads until a full line arrives (true), the child's stdout closes, or
  // the deadline passes (false; timed_out() tells which).
  bool next_line(std::string& line, Clock::time_point deadline) {
    for (;;) {
      size_t nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return true;
      }
      if (out_ < 0) return false;
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) {
        timed_out_ = true;
        return false;
      }
      pollfd fds[2] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}};
      int n = ::poll(fds, err_ >= 0 ? 2 : 1, static_cast<int>(left));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return false;
      if (err_ >= 0 && fds[1].revents) drain(err_, stderr_text_);
      if (fds[0].revents && !drain(out_, buffer_)) {
        ::close(out_);
        out_ = -1;
      }
    }
  }

  bool timed_out() const { return timed_out_; }

  // Kills the child if it still runs and says how it ended.
  std::string finish(bool kill_it) {
    if (kill_it) ::kill(pid_, SIGKILL);
    // Collect the rest of stderr (the child has exited or been killed).
    if (err_ >= 0) {
      while (drain(err_, stderr_text_)) {
      }
    }
    int status = 0;
    pid_t got;
    do {
      got = ::waitpid(pid_, &status, 0);
    } while (got < 0 && errno == EINTR);
    pid_ = -1;
    if (got < 0) return "the scanner vanished";
    if (WIFSIGNALED(status)) return "killed by " + signal_text(WTERMSIG(status));
    if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
    return "ended abnormally";
  }

  const std::string& stderr_text() const { return stderr_text_; }

 private:
  // false at end of file.
  static bool drain(int fd, std::string& into) {
    char chunk[4096];
    ssize_t n;
    do {
      n = ::read(fd, chunk, sizeof chunk);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) return false;
    into.append(chunk, static_cast<size_t>(n));
    if (into.size() > (1u << 20) && into.find('\n') == std::string::npos) into.erase(0, into.size() - 4096);
    return true;
  }
  void close_fds() {
    if (out_ >= 0) ::close(out_);
    if (err_ >= 0) ::close(err_);
    out_ = err_ = -1;
  }

  pid_t pid_ = -1;
  int out_ = -1, err_ = -1;
  std::string buffer_, stderr_text_;
  bool timed_out_ = false;
};

}  // namespace

std::vector<ScanOutcome> scan_plugins(const std::vector<fs::path>& files, const ScanOptions& options) {
  std::vector<ScanOutcome> outcomes;
  size_t next = 0;
  while (next < files.size()) {
    std::vector<fs::path> rest(files.begin() + static_cast<std::ptrdiff_t>(next), files.end());
    Child child(options.scanner, rest);
    std::string ready;
    bool got_line = child.next_line(ready, Clock::now() + options.startup_timeout);
    if (!got_line || ready != "{\"scanner\":\"ready\"}") {
      bool timed_out = child.timed_out();
      // Still running after a wrong first line or past the deadline: kill it.
      std::string how = child.finish(timed_out || got_line);
      std::string why = "the plugin scanner " + options.scanner.string() +
                        (timed_out ? " did not start within " + std::to_string(options.startup_timeout.count()) + " ms"
                                   : " failed to start (" + how + ")");
      std::string last_words = tail_of(child.stderr_text());
      if (!last_words.empty()) why += ": " + last_words;
      throw RegistryError(why);
    }
    bool broke = false;
    while (next < files.size()) {
      std::string line;
      if (!child.next_line(line, Clock::now() + options.timeout)) {
        broke = true;
        break;
      }
      try {
        PluginRecord record = record_from_json(line);
        ScanOutcome outcome;
        outcome.path = files[next];
        outcome.record = std::move(record);
        outcome.record.path = files[next];
        outcomes.push_back(std::move(outcome));
      } catch (const RegistryError& e) {
        outcomes.push_back(bad(files[next], std::string("the scanner's report is unreadable: ") + e.what()));
      }
      ++next;
    }
    if (!broke) {
      child.finish(false);
      break;
    }
    // The child died or hung on files[next]: that plugin is the culprit.
    bool timed_out = child.timed_out();
    std::string how = child.finish(timed_out);
    std::string reason;
    if (timed_out) {
      reason = "loading it hung: the scanner was killed after " + std::to_string(options.timeout.count()) + " ms";
    } else {
      reason = "loading it crashed the scanner (" + how + ")";
    }
    std::string last_words = tail_of(child.stderr_text());
    if (!last_words.empty()) reason += "; it printed: " + last_words;
    outcomes.push_back(bad(files[next], std::move(reason)));
    ++next;
  }
  return outcomes;
}

}  // namespace brick::registry
