// Api: the routes of the HTTP API (docs/serve.md), from a parsed request to
// a reply. Most replies are complete responses; two wait on a run: a POST
// /runs with "wait": true (the answer when the run ends) and GET
// /runs/{id}/events (an event stream until it ends). The HTTP layer
// (http_server.h) carries them out.
#pragma once

#include <boost/beast/http.hpp>
#include <memory>
#include <string>

#include "api_types.h"
#include "catalog.h"
#include "metrics.h"
#include "oip.h"
#include "plugin_reloads.h"
#include "run_manager.h"

namespace brick::serve {

class Api {
 public:
  // `not_ready`: "" when the server takes runs, else why not ("loading",
  // "draining", or the error that stopped the pipelines loading).
  // `metrics_page`: the text of GET /metrics.
  Api(const ServeOptions& options, Catalog& catalog, RunManager& runs, PluginReloads& reloads,
      std::function<std::string()> not_ready, std::function<std::string()> metrics_page)
      : options_(options),
        catalog_(catalog),
        runs_(runs),
        reloads_(reloads),
        not_ready_(not_ready),
        metrics_page_(std::move(metrics_page)),
        oip_(catalog, runs, not_ready) {}

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
  Response reload_plugins(const Request& request);
  bool authorized(const Request& request) const;

  const ServeOptions& options_;
  Catalog& catalog_;
  RunManager& runs_;
  PluginReloads& reloads_;
  std::function<std::string()> not_ready_;
  std::function<std::string()> metrics_page_;
  Oip oip_;
};

// Constant-time comparison (a token's bytes are not revealed by timing).
bool same_secret(const std::string& given, const std::string& expected);

}  // namespace brick::serve
