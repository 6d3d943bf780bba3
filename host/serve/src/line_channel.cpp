#include "line_channel.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace brick::serve {

LineChannel::~LineChannel() { close(fd_); }

bool LineChannel::send(const boost::json::object& message) {
  std::string text = boost::json::serialize(message);
  text.push_back('\n');
  std::lock_guard lock(write_mutex_);
  for (size_t done = 0; done < text.size();) {
    ssize_t n = ::send(fd_, text.data() + done, text.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

LineChannel::Read LineChannel::receive(boost::json::object& message, int timeout_ms) {
  for (;;) {
    size_t end = buffer_.find('\n');
    if (end != std::string::npos) {
      std::string line = buffer_.substr(0, end);
      buffer_.erase(0, end + 1);
      boost::system::error_code ec;
      boost::json::value value = boost::json::parse(line, ec);
      if (ec || !value.is_object()) return Read::Closed;  // a peer that writes garbage is as good as gone
      message = std::move(value.as_object());
      return Read::Message;
    }
    pollfd p{fd_, POLLIN, 0};
    int ready = poll(&p, 1, timeout_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) return Read::Timeout;
    char chunk[65536];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Read::Closed;
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

}  // namespace brick::serve
