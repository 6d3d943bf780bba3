// HttpServer: Boost.Beast over Boost.Asio: accepts connections on a few I/O
// threads, reads each request (body limit, idle timeout), hands it to the
// Api and writes the reply: a response, a response sent when a run ends, or
// a Server-Sent Events stream.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "api.h"

namespace brick::serve {

class HttpServer {
 public:
  HttpServer(const ServeOptions& options, Api& api);
  ~HttpServer();
  // Binds (throws host::Error naming the address and why) and starts the I/O threads.
  void start();
  uint16_t port() const;
  // Stops accepting new connections.
  void stop_accepting();
  // Closes every connection and joins the I/O threads.
  void stop();

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace brick::serve
