#include "http_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <set>
#include <thread>

#include "brick/host/base/error.h"
#include "brick/host/base/log.h"

namespace brick::serve {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

class Session;

struct HttpServer::State {
  const ServeOptions& options;
  Api& api;
  Metrics& metrics;
  std::atomic<int> busy{0};
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::vector<std::thread> threads;
  std::mutex mutex;
  std::set<std::weak_ptr<Session>, std::owner_less<std::weak_ptr<Session>>> sessions;
  bool accepting = true;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;

  State(const ServeOptions& o, Api& a, Metrics& m) : options(o), api(a), metrics(m) {}
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, HttpServer::State& server)
      : stream_(std::move(socket)), timer_(stream_.get_executor()), server_(server) {}
  ~Session() { end_request(); }

  void start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

  // From any thread.
  void close() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      self->closing_ = true;
      self->end_request();
      self->timer_.cancel();
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      self->stream_.socket().close(ignored);
    });
  }

 private:
  void read() {
    if (closing_) return;
    parser_.emplace();
    parser_->body_limit(server_.options.body_limit);
    parser_->header_limit(64 * 1024);
    timed_out_ = false;
    arm_idle_timer();
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  // A request that sends nothing for idle_timeout: its read is cancelled
  // and it gets a 408.
  void arm_idle_timer() {
    timer_.expires_after(server_.options.idle_timeout);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      self->timed_out_ = true;
      beast::error_code ignored;
      self->stream_.socket().cancel(ignored);
    });
  }

  void on_read(beast::error_code ec) {
    timer_.cancel();
    if (closing_) return;
    // Errors below are answered without a parsed request.
    route_ = "other";
    method_ = "other";
    started_ = std::chrono::steady_clock::now();
    if (timed_out_) {
      // Nothing at all on a kept-alive connection: just close it.
      if (parser_->got_some() || buffer_.size() > 0)
        return send_and_close(Api::error(11, false, 408, "timeout", "the request was idle too long; closing"));
      return shutdown();
    }
    if (ec == http::error::end_of_stream || ec == net::error::eof || ec == net::error::connection_reset)
      return shutdown();
    if (ec == http::error::body_limit) {
      return send_and_close(
          Api::error(11, false, 413, "body_too_large",
                     "the body is over the limit of " + std::to_string(server_.options.body_limit) + " bytes"));
    }
    if (ec == http::error::header_limit) {
      return send_and_close(Api::error(11, false, 431, "header_too_large", "the request's header is too large"));
    }
    if (ec) {
      if (ec == net::error::operation_aborted) return shutdown();
      return send_and_close(Api::error(11, false, 400, "malformed_request", "malformed HTTP request: " + ec.message()));
    }
    request_ = parser_->release();
    route_ = route_label(request_.target());
    method_ = std::string(request_.method_string());
    begin_request();
    Reply reply = server_.api.handle(request_);
    switch (reply.kind) {
      case Reply::Kind::Plain:
        return send(std::move(reply.response));
      case Reply::Kind::WaitForRun:
        answer_ = std::move(reply.answer);
        return wait_for(reply.run);
      case Reply::Kind::EventStream:
        return stream_events(reply.run);
    }
  }

  void send(Response response) {
    bool keep_alive = response.keep_alive();
    count(response.result_int());
    auto message = std::make_shared<Response>(std::move(response));
    http::async_write(stream_, *message,
                      [self = shared_from_this(), message, keep_alive](beast::error_code ec, size_t) {
                        self->end_request();
                        if (ec || !keep_alive) return self->shutdown();
                        self->read();
                      });
  }

  void count(unsigned status) {
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    server_.metrics.request(route_, method_, static_cast<int>(status), seconds);
  }

  void begin_request() {
    if (in_request_) return;
    in_request_ = true;
    ++server_.busy;
  }
  void end_request() {
    if (!in_request_) return;
    in_request_ = false;
    --server_.busy;
  }

  void send_and_close(Response response) {
    response.keep_alive(false);
    send(std::move(response));
  }

  void wait_for(const std::shared_ptr<RunRecord>& run) {
    // The run holds the session (nothing else does while no I/O is
    // pending) until it ends; it then drops its listeners. A kept-alive
    // connection may wait on several runs, one after the other.
    waiting_ = run;
    run->subscribe([self = shared_from_this(), run] {
      if (!run->finished()) return;
      net::post(self->stream_.get_executor(), [self, run] {
        if (self->waiting_ != run || self->closing_) return;
        self->waiting_.reset();
        self->send(self->answer_ ? self->answer_(self->request_, *run) : Api::run_answer(self->request_, *run));
      });
    });
  }

  void stream_events(const std::shared_ptr<RunRecord>& run) {
    run_ = run;
    auto header = std::make_shared<http::response<http::empty_body>>(Api::event_stream_header(request_));
    count(header->result_int());
    auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*header);
    http::async_write_header(
        stream_, *serializer, [self = shared_from_this(), header, serializer](beast::error_code ec, size_t) {
          if (ec) return self->shutdown();
          // Held by the run until it ends (see wait_for).
          self->run_->subscribe([s = self] { net::post(s->stream_.get_executor(), [s] { s->pump(); }); });
          self->pump();
        });
  }

  // Writes the events not yet sent; ends the connection after the last one.
  void pump() {
    if (writing_ || closing_ || ended_) return;
    std::vector<std::string> events;
    bool last = run_->events_since(seen_, events);
    if (events.empty()) {
      if (last) {
        ended_ = true;
        shutdown();
      }
      return;
    }
    auto text = std::make_shared<std::string>();
    for (const std::string& event : events) *text += event;
    writing_ = true;
    net::async_write(stream_, net::buffer(*text), [self = shared_from_this(), text](beast::error_code ec, size_t) {
      self->writing_ = false;
      if (ec) return self->shutdown();
      self->pump();
    });
  }

  void shutdown() {
    closing_ = true;
    end_request();
    timer_.cancel();
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  net::steady_timer timer_;
  HttpServer::State& server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Request request_;
  std::shared_ptr<RunRecord> run_;
  std::shared_ptr<RunRecord> waiting_;  // the run whose answer this session owes
  std::function<Response(const Request&, const RunRecord&)> answer_;
  std::string route_ = "other", method_ = "other";
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  bool in_request_ = false;
  uint64_t seen_ = 0;  // the number of the last event written
  bool writing_ = false, ended_ = false, closing_ = false, timed_out_ = false;
};

namespace {

void accept(const std::shared_ptr<HttpServer::State>& state) {
  state->acceptor.async_accept(net::make_strand(state->ioc), [state](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;
    if (!ec) {
      auto session = std::make_shared<Session>(std::move(socket), *state);
      {
        std::lock_guard lock(state->mutex);
        if (!state->accepting) return;
        for (auto it = state->sessions.begin(); it != state->sessions.end();) {
          it = it->expired() ? state->sessions.erase(it) : std::next(it);
        }
        state->sessions.insert(session);
      }
      session->start();
    }
    std::lock_guard lock(state->mutex);
    if (state->accepting) accept(state);
  });
}

}  // namespace

HttpServer::HttpServer(const ServeOptions& options, Api& api, Metrics& metrics)
    : state_(std::make_shared<State>(options, api, metrics)) {}

int HttpServer::busy() const { return state_->busy.load(); }

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
  beast::error_code ec;
  net::ip::address address = net::ip::make_address(state_->options.host, ec);
  if (ec) throw host::Error(BRICK_ERR_INVALID_ARGUMENT, "--host '" + state_->options.host + "': not an IP address");
  tcp::endpoint endpoint{address, state_->options.port};
  std::string where = state_->options.host + ":" + std::to_string(state_->options.port);
  state_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) state_->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) state_->acceptor.bind(endpoint, ec);
  if (!ec) state_->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw host::Error(BRICK_ERR_INVALID_ARGUMENT, "cannot listen on " + where + ": " + ec.message());
  state_->work.emplace(state_->ioc.get_executor());
  accept(state_);
  int threads = std::max(1, state_->options.io_threads);
  for (int i = 0; i < threads; ++i) state_->threads.emplace_back([state = state_] { state->ioc.run(); });
}

uint16_t HttpServer::port() const {
  beast::error_code ec;
  return state_->acceptor.local_endpoint(ec).port();
}

void HttpServer::stop_accepting() {
  std::lock_guard lock(state_->mutex);
  if (!state_->accepting) return;
  state_->accepting = false;
  net::post(state_->ioc, [state = state_] {
    beast::error_code ignored;
    state->acceptor.close(ignored);
  });
}

void HttpServer::stop() {
  if (state_->threads.empty()) return;
  stop_accepting();
  std::vector<std::shared_ptr<Session>> sessions;
  {
    std::lock_guard lock(state_->mutex);
    for (const auto& weak : state_->sessions) {
      if (auto session = weak.lock()) sessions.push_back(session);
    }
    state_->sessions.clear();
  }
  for (auto& session : sessions) session->close();
  sessions.clear();
  state_->work.reset();
  // Pending operations end once their sockets are closed; then run() returns.
  for (auto& thread : state_->threads) thread.join();
  state_->threads.clear();
}

}  // namespace brick::serve
