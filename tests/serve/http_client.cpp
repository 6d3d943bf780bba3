#include "http_client.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>

namespace serve_test {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

namespace {

Answer answer_of(http::response<http::string_body>& response) {
  Answer answer;
  answer.status = static_cast<int>(response.result_int());
  for (const auto& field : response) answer.headers[std::string(field.name_string())] = std::string(field.value());
  answer.body = response.body();
  return answer;
}

void connect(beast::tcp_stream& stream, uint16_t port) {
  stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
}

}  // namespace

Answer request(uint16_t port, http::verb method, const std::string& target, const std::string& body,
               const std::map<std::string, std::string>& headers) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  connect(stream, port);
  stream.expires_after(std::chrono::minutes(2));
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) req.set(name, value);
  if (!body.empty() || method == http::verb::post) {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
  }
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(256u << 20);
  http::read(stream, buffer, parser);
  Answer answer = answer_of(parser.get());
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return answer;
}

Answer send_raw(uint16_t port, const std::string& bytes, int wait_seconds) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  connect(stream, port);
  net::write(stream, net::buffer(bytes));
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  stream.expires_after(std::chrono::seconds(wait_seconds));
  http::read(stream, buffer, response);
  return answer_of(response);
}

std::vector<Event> read_events(uint16_t port, const std::string& target,
                               const std::function<bool(const Event&)>& on_event) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  connect(stream, port);
  stream.expires_after(std::chrono::minutes(2));
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(stream, req);
  std::string text;
  std::vector<Event> events;
  bool header_done = false;
  char buffer[4096];
  for (;;) {
    beast::error_code ec;
    size_t n = stream.read_some(net::buffer(buffer), ec);
    text.append(buffer, n);
    if (!header_done) {
      size_t end = text.find("\r\n\r\n");
      if (end != std::string::npos) {
        header_done = true;
        text.erase(0, end + 4);
      }
    }
    size_t end;
    while (header_done && (end = text.find("\n\n")) != std::string::npos) {
      std::string block = text.substr(0, end);
      text.erase(0, end + 2);
      Event event;
      size_t pos = 0;
      while (pos < block.size()) {
        size_t eol = block.find('\n', pos);
        if (eol == std::string::npos) eol = block.size();
        std::string line = block.substr(pos, eol - pos);
        if (line.rfind("event: ", 0) == 0) event.name = line.substr(7);
        if (line.rfind("data: ", 0) == 0) event.data = json::parse(line.substr(6));
        pos = eol + 1;
      }
      events.push_back(event);
      if (!on_event(events.back())) return events;
    }
    if (ec) return events;
  }
}

}  // namespace serve_test
