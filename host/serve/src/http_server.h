// HttpServer: Boost.Beast over Boost.Asio: accepts connections on a few I/O
// threads, reads each request (body limit, idle timeout), hands it to the
// Api and writes the reply: a response, a response sent when a run ends, or
// a Server-Sent Events stream. Each answer is counted in the Metrics as it is
// sent (before the client can have it, so a client that then reads
// /metrics finds its request counted).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "api.h"
#include "metrics.h"

namespace brick::serve {

class HttpServer {
 public:
  HttpServer(const ServeOptions& options, Api& api, Metrics& metrics);
  ~HttpServer();
  // Binds (throws host::Error naming the address and why) and starts the I/O threads.
  void start();
  uint16_t port() const;
  // Stops accepting new connections.
  void stop_accepting();
  // Closes every connection and joins the I/O threads.
  void stop();
  // Requests read and not yet answered (a waited run, an event stream until
  // it ends, an answer being written): a drain waits for them.
  int busy() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace brick::serve
