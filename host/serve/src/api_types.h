// The HTTP request and response types of the API, and a Reply: a complete
// response, or one that waits on a run (the answer written when it ends, or
// its event stream).
#pragma once

#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "run_manager.h"

namespace brick::serve {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

struct Reply {
  enum class Kind { Plain, WaitForRun, EventStream } kind = Kind::Plain;
  Response response;
  std::shared_ptr<RunRecord> run;
  // WaitForRun: the answer once the run has ended (empty: the run's JSON,
  // as GET /runs/{id} shows it).
  std::function<Response(const Request&, const RunRecord&)> answer;
};

// A complete answer.
Reply plain(Response response);

// A JSON answer to `request`: the body serialized, the server's headers,
// never cached, keep-alive as the client asked.
Response json_response(const Request& request, http::status status, const boost::json::value& body);

// A request target's path (its query dropped) split at '/': "/v2/models/x"
// -> {"v2", "models", "x"}.
std::vector<std::string> path_parts(std::string_view target);

}  // namespace brick::serve
