#include "api_types.h"

namespace brick::serve {

Reply plain(Response response) {
  Reply reply;
  reply.response = std::move(response);
  return reply;
}

Response json_response(const Request& request, http::status status, const boost::json::value& body) {
  Response response{status, request.version()};
  response.set(http::field::server, "brick-serve");
  response.set(http::field::content_type, "application/json");
  response.set(http::field::cache_control, "no-store");
  response.keep_alive(request.keep_alive());
  response.body() = boost::json::serialize(body) + "\n";
  response.prepare_payload();
  return response;
}

std::vector<std::string> path_parts(std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  std::vector<std::string> parts;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) parts.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

}  // namespace brick::serve
