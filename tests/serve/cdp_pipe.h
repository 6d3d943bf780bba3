// A Chrome DevTools Protocol client over --remote-debugging-pipe: Chromium
// reads commands from its fd 3 and writes answers and events to its fd 4,
// each a JSON text ended by a NUL byte. No WebSocket, no port, no driver.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace serve_test {

class Chromium {
 public:
  // Starts `binary` headless with its own profile in `profile_dir`.
  Chromium(const std::string& binary, const std::string& profile_dir) {
    int to_browser[2], from_browser[2];
    if (pipe(to_browser) != 0 || pipe(from_browser) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      // fds 3 and 4 as the protocol says; everything else closed on exec.
      dup2(to_browser[0], 3);
      dup2(from_browser[1], 4);
      int null = open("/dev/null", O_WRONLY);
      dup2(null, 1);
      dup2(null, 2);
      for (int fd = 5; fd < 1024; ++fd) close(fd);
      std::string profile = "--user-data-dir=" + profile_dir;
      execl(binary.c_str(), binary.c_str(), "--headless=new", "--no-sandbox", "--disable-gpu",
            "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--remote-debugging-pipe",
            "--window-size=1000,1000", profile.c_str(), "about:blank", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(to_browser[0]);
    close(from_browser[1]);
    write_fd_ = to_browser[1];
    read_fd_ = from_browser[0];
  }

  ~Chromium() {
    try {
      call("Browser.close");
    } catch (...) {
    }
    close(write_fd_);
    close(read_fd_);
    // Give it a moment to exit on its own, then make sure.
    for (int i = 0; i < 100; ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }

  // Sends a command (to a page's session when `session` is given) and
  // returns its result; throws the protocol's error. Events are skipped.
  boost::json::object call(const std::string& method, boost::json::object params = {},
                           const std::string& session = {}) {
    int id = ++next_id_;
    boost::json::object message{{"id", id}, {"method", method}, {"params", params}};
    if (!session.empty()) message["sessionId"] = session;
    std::string text = boost::json::serialize(message);
    text.push_back('\0');
    for (size_t done = 0; done < text.size();) {
      ssize_t n = write(write_fd_, text.data() + done, text.size() - done);
      if (n <= 0) throw std::runtime_error("the browser closed its pipe");
      done += static_cast<size_t>(n);
    }
    for (;;) {
      boost::json::object answer = read_message();
      if (!answer.contains("id") || answer["id"].as_int64() != id) continue;
      if (answer.contains("error")) throw std::runtime_error(method + ": " + boost::json::serialize(answer["error"]));
      return answer["result"].as_object();
    }
  }

 private:
  boost::json::object read_message() {
    for (;;) {
      size_t end = buffer_.find('\0');
      if (end != std::string::npos) {
        std::string text = buffer_.substr(0, end);
        buffer_.erase(0, end + 1);
        return boost::json::parse(text).as_object();
      }
      pollfd p{read_fd_, POLLIN, 0};
      // A browser that says nothing for a minute has hung: fail, do not wait forever.
      if (poll(&p, 1, 60000) <= 0) throw std::runtime_error("the browser did not answer");
      char chunk[65536];
      ssize_t n = read(read_fd_, chunk, sizeof chunk);
      if (n <= 0) throw std::runtime_error("the browser closed its pipe");
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

  pid_t pid_ = -1;
  int write_fd_ = -1, read_fd_ = -1;
  int next_id_ = 0;
  std::string buffer_;
};

}  // namespace serve_test
