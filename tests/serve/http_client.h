// A small HTTP client for the server's tests: one request per connection, a
// raw request, and an event-stream reader. Boost.Beast stays in
// http_client.cpp: instantiated once, not in every test file.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>  // compiled once, in libbrick
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace serve_test {

namespace http = boost::beast::http;
namespace json = boost::json;

struct Answer {
  int status = 0;
  std::map<std::string, std::string> headers;
  std::string body;
  json::value json() const { return json::parse(body); }
  json::object object() const { return json::parse(body).as_object(); }
};

// One request to 127.0.0.1:port; a body is sent as JSON. A hung server fails
// the test after two minutes, not the suite.
Answer request(uint16_t port, http::verb method, const std::string& target, const std::string& body = {},
               const std::map<std::string, std::string>& headers = {});

inline Answer get(uint16_t port, const std::string& target, const std::map<std::string, std::string>& headers = {}) {
  return request(port, http::verb::get, target, {}, headers);
}
inline Answer post(uint16_t port, const std::string& target, const std::string& body,
                   const std::map<std::string, std::string>& headers = {}) {
  return request(port, http::verb::post, target, body, headers);
}

// Writes `bytes` as they are (a partial or malformed request) and reads the
// answer, waiting up to `wait_seconds`.
Answer send_raw(uint16_t port, const std::string& bytes, int wait_seconds);

struct Event {
  std::string name;
  json::value data;
};

// Reads GET target's event stream; `on_event` returns false to stop early.
// Returns the events read.
std::vector<Event> read_events(uint16_t port, const std::string& target,
                               const std::function<bool(const Event&)>& on_event);

}  // namespace serve_test
