// Api: the routes of the HTTP API (docs/serve.md), from a parsed request to
// a reply. Most replies are complete responses; two wait on a run: a POST
// /runs with "wait": true (the answer when the run ends) and GET
// /runs/{id}/events (an event stream until it ends). The HTTP layer
// (http_server.h) carries them out.
#pragma once

#include <boost/beast/http.hpp>
#include <memory>
#include <string>

#include "catalog.h"
#include "run_manager.h"

namespace brick::serve {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

struct Reply {
  enum class Kind { Plain, WaitForRun, EventStream } kind = Kind::Plain;
  Response response;
  std::shared_ptr<RunRecord> run;
};

class Api {
 public:
  // `not_ready`: "" when the server is ready, else why not ("loading
  // pipelines", or the error that stopped them loading).
  Api(const ServeOptions& options, Catalog& catalog, RunManager& runs, std::function<std::string()> not_ready)
      : options_(options), catalog_(catalog), runs_(runs), not_ready_(std::move(not_ready)) {}

  Reply handle(const Request& request);
  // The error answer: {"error": {"code": ..., "message": ...}}.
  static Response error(unsigned version, bool keep_alive, int status, const std::string& code,
                        const std::string& message);
  // The answer to a waited run (status 200, the run's JSON).
  static Response run_answer(const Request& request, const RunRecord& run);
  // The header of an event stream.
  static http::response<http::empty_body> event_stream_header(const Request& request);

 private:
  Reply route(const Request& request);
  Reply post_run(const Request& request);
  bool authorized(const Request& request) const;

  const ServeOptions& options_;
  Catalog& catalog_;
  RunManager& runs_;
  std::function<std::string()> not_ready_;
};

// Constant-time comparison (a token's bytes are not revealed by timing).
bool same_secret(const std::string& given, const std::string& expected);

}  // namespace brick::serve
