// LineChannel: JSON objects, one a line, over a stream socket between the
// server and a worker process. Writes never raise SIGPIPE (a dead peer is an
// error return); reads wait with a timeout so the caller can look at its
// cancel flag between them.
#pragma once

#include <boost/json.hpp>
#include <mutex>
#include <optional>
#include <string>

namespace brick::serve {

class LineChannel {
 public:
  // Owns `fd`: closing the channel closes it (the peer's reads end).
  explicit LineChannel(int fd) : fd_(fd) {}
  ~LineChannel();
  LineChannel(const LineChannel&) = delete;
  LineChannel& operator=(const LineChannel&) = delete;
  int fd() const { return fd_; }

  // False when the peer is gone.
  bool send(const boost::json::object& message);
  enum class Read { Message, Timeout, Closed };
  // Waits up to timeout_ms (-1: forever) for the next object.
  Read receive(boost::json::object& message, int timeout_ms);

 private:
  int fd_;
  std::mutex write_mutex_;
  std::string buffer_;
};

}  // namespace brick::serve
