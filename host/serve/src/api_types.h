// The HTTP request and response types of the API, and a Reply: a complete
// response, or one that waits on a run (the answer written when it ends, or
// its event stream).
#pragma once

#include <boost/beast/http.hpp>
#include <functional>
#include <memory>

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

}  // namespace brick::serve
