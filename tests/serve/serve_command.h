// The `brick serve` command started as a user starts it (a child process,
// its stderr read by the test), for the tests of its signals.
#pragma once

#include <poll.h>
#include <unistd.h>

#include <string>

namespace serve_test {

// Reads the child's stderr into `text` until `marker` appears (and, when
// `until` is given, `until` after it); returns what lies between the two
// (the marker itself without `until`), "" at EOF. (No <regex>: GCC 12 warns
// inside it under ASan, and -Werror makes that fatal.)
inline std::string read_until(int fd, std::string& text, const std::string& marker, const std::string& until = {}) {
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

struct ServeCommand {
  pid_t pid = -1;
  int err = -1;       // the read end of its stderr
  std::string text;   // what it printed so far
  uint16_t port = 0;  // 0: it never said where it listens
};

// `brick serve` on a free port with the test plugins and the slow loop
// pipeline, one worker, `--drain-timeout drain_timeout`; returns once it
// printed its address.
inline ServeCommand start_serve_command(const char* drain_timeout) {
  ServeCommand command;
  int err[2];
  if (pipe(err) != 0) return command;
  command.pid = fork();
  if (command.pid == 0) {
    dup2(err[1], 2);
    close(err[0]);
    execl(BRICK_BINARY_DIR "/bin/brick", "brick", "serve", "--port", "0", "--no-installed", "-P", TEST_PLUGIN_DIR, "-P",
          BRICK_BINARY_DIR "/lib/brick/plugins", "--pipeline", BRICK_SOURCE_DIR "/tests/serve/slow_loop.json",
          "--drain-timeout", drain_timeout, static_cast<char*>(nullptr));
    _exit(127);
  }
  close(err[1]);
  command.err = err[0];
  std::string port = read_until(command.err, command.text, "listening on http://127.0.0.1:", "/");
  if (!port.empty()) command.port = static_cast<uint16_t>(std::stoi(port));
  return command;
}

}  // namespace serve_test
