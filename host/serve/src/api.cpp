#include "api.h"

#include <fstream>
#include <sstream>

#include "brick/host/base/names.h"
#include "http_error.h"
#include "web_page.h"

namespace brick::serve {

namespace json = boost::json;

namespace {

std::string listed(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "none" : out;
}

}  // namespace

bool same_secret(const std::string& given, const std::string& expected) {
  // Every byte of the longer string is looked at, whatever differs first.
  size_t n = std::max(given.size(), expected.size());
  unsigned char difference = given.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < n; ++i) {
    unsigned char a = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    unsigned char b = i < expected.size() ? static_cast<unsigned char>(expected[i]) : 0;
    difference |= static_cast<unsigned char>(a ^ b);
  }
  return difference == 0;
}

Response Api::error(unsigned version, bool keep_alive, int status, const std::string& code,
                    const std::string& message) {
  Response response{static_cast<http::status>(status), version};
  response.set(http::field::server, "brick-serve");
  response.set(http::field::content_type, "application/json");
  response.set(http::field::cache_control, "no-store");
  response.keep_alive(keep_alive);
  response.body() = json::serialize(json::object{{"error", json::object{{"code", code}, {"message", message}}}}) + "\n";
  response.prepare_payload();
  return response;
}

Response Api::run_answer(const Request& request, const RunRecord& run) {
  return json_response(request, http::status::ok, run.to_json());
}

http::response<http::empty_body> Api::event_stream_header(const Request& request) {
  http::response<http::empty_body> header{http::status::ok, request.version()};
  header.set(http::field::server, "brick-serve");
  header.set(http::field::content_type, "text/event-stream");
  header.set(http::field::cache_control, "no-store");
  header.keep_alive(false);  // the stream ends when the run does, with the connection
  return header;
}

bool Api::authorized(const Request& request) const {
  if (options_.token.empty()) return true;
  auto it = request.find(http::field::authorization);
  if (it == request.end()) return false;
  std::string_view value = it->value();
  constexpr std::string_view kBearer = "Bearer ";
  if (value.substr(0, kBearer.size()) != kBearer) return false;
  return same_secret(std::string(value.substr(kBearer.size())), options_.token);
}

Reply Api::handle(const Request& request) {
  // The Open Inference Protocol's routes answer errors in its shape.
  bool oip = request.target().substr(0, 3) == "/v2" &&
             (request.target().size() == 3 || request.target()[3] == '/' || request.target()[3] == '?');
  try {
    return route(request);
  } catch (const HttpError& e) {
    Reply reply = plain(oip ? Oip::error(request, e.status(), e.what())
                            : error(request.version(), request.keep_alive(), e.status(), e.code(), e.what()));
    if (e.status() == 429) reply.response.set(http::field::retry_after, "1");
    if (e.status() == 401) reply.response.set(http::field::www_authenticate, "Bearer");
    return reply;
  } catch (const std::exception& e) {
    return plain(oip ? Oip::error(request, 500, e.what())
                     : error(request.version(), request.keep_alive(), 500, "internal", e.what()));
  }
}

Reply Api::route(const Request& request) {
  std::vector<std::string> parts = path_parts(request.target());
  http::verb method = request.method();
  auto method_not_allowed = [&](const char* allowed) -> Reply {
    Reply reply = plain(
        error(request.version(), request.keep_alive(), 405, "method_not_allowed",
              std::string(request.method_string()) + " " + std::string(request.target()) + ": allowed: " + allowed));
    reply.response.set(http::field::allow, allowed);
    return reply;
  };

  // The page is static and holds no data: it is the one route without a
  // token (it asks for one, and sends it with every request it makes).
  if (parts.empty()) {
    if (method != http::verb::get) return method_not_allowed("GET");
    Response response{http::status::ok, request.version()};
    response.set(http::field::server, "brick-serve");
    response.set(http::field::content_type, "text/html; charset=utf-8");
    response.set("Content-Security-Policy",
                 "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' blob:");
    response.keep_alive(request.keep_alive());
    response.body() = std::string(web_page());
    response.prepare_payload();
    return plain(std::move(response));
  }
  // The probes of an orchestrator (Kubernetes' liveness and readiness) say
  // only whether the server is up: they need no token, as the page does not.
  bool probe = parts.size() == 3 && parts[0] == "v2" && parts[1] == "health";
  if (!probe && !authorized(request)) {
    throw HttpError(401, "unauthorized",
                    options_.token.empty() ? "unauthorized"
                                           : "this server needs 'Authorization: Bearer <token>' (its --token-file)");
  }

  const std::string& head = parts[0];
  if (head == "v2") return oip_.route(request, parts);
  if (head == "metrics" && parts.size() == 1) {
    if (method != http::verb::get) return method_not_allowed("GET");
    Response response{http::status::ok, request.version()};
    response.set(http::field::server, "brick-serve");
    response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    response.set(http::field::cache_control, "no-store");
    response.keep_alive(request.keep_alive());
    response.body() = metrics_page_();
    response.prepare_payload();
    return plain(std::move(response));
  }
  if (head == "health" && parts.size() == 1) {
    if (method != http::verb::get) return method_not_allowed("GET");
    std::string why = not_ready_();
    if (!why.empty()) {
      bool loading = why == "loading", draining = why == "draining";
      const char* status = loading ? "loading" : draining ? "draining" : "failed";
      std::string message = loading    ? "loading pipelines and components"
                            : draining ? "draining: the runs taken finish, new ones are refused (503)"
                                       : why;
      return plain(json_response(request, http::status::service_unavailable,
                                 json::object{{"status", status},
                                              {"error", json::object{{"code", loading    ? "loading"
                                                                              : draining ? "draining"
                                                                                         : "load_failed"},
                                                                     {"message", message}}}}));
    }
    return plain(json_response(request, http::status::ok,
                               json::object{{"status", "ok"},
                                            {"plugins", catalog_.plugin_count()},
                                            {"pipelines", catalog_.pipelines().size()},
                                            {"queued", runs_.queued()}}));
  }
  if (head == "plugins") {
    if (parts.size() == 1) {
      if (method != http::verb::get) return method_not_allowed("GET");
      return plain(json_response(request, http::status::ok,
                                 json::object{{"plugins", catalog_.plugins_json()},
                                              {"reload", reloads_.watching() ? "watching" : "on request"},
                                              {"events", reloads_.recent_events()}}));
    }
    if (parts.size() == 2 && parts[1] == "reload") {
      if (method != http::verb::post) return method_not_allowed("POST");
      return plain(reload_plugins(request));
    }
  }
  if (head == "pipelines" && parts.size() == 1) {
    if (method != http::verb::get) return method_not_allowed("GET");
    json::array list;
    for (const auto& entry : catalog_.pipelines()) list.push_back(entry->describe());
    return plain(json_response(request, http::status::ok, json::object{{"pipelines", list}}));
  }
  if (head == "runs") {
    if (parts.size() == 1) {
      if (method != http::verb::post) return method_not_allowed("POST");
      return post_run(request);
    }
    std::shared_ptr<RunRecord> run = runs_.find(parts[1]);
    if (!run) throw HttpError(404, "unknown_run", "no run '" + parts[1] + "' (finished runs are kept for a while)");
    if (parts.size() == 2) {
      if (method == http::verb::get) return plain(json_response(request, http::status::ok, run->to_json()));
      if (method == http::verb::delete_) {
        runs_.cancel(run->id());
        return plain(json_response(request, http::status::ok, run->to_json()));
      }
      return method_not_allowed("GET, DELETE");
    }
    if (parts.size() == 3 && parts[2] == "events") {
      if (method != http::verb::get) return method_not_allowed("GET");
      Reply reply;
      reply.kind = Reply::Kind::EventStream;
      reply.run = run;
      return reply;
    }
    if (parts.size() == 4 && parts[2] == "images") {
      if (method != http::verb::get) return method_not_allowed("GET");
      const std::string& name = parts[3];
      size_t k = 0;
      bool numeric = name.size() > 4 && name.size() < 14 && name.substr(name.size() - 4) == ".png";
      for (size_t i = 0; numeric && i + 4 < name.size(); ++i) {
        if (name[i] < '0' || name[i] > '9')
          numeric = false;
        else
          k = k * 10 + static_cast<size_t>(name[i] - '0');
      }
      if (!numeric) throw HttpError(404, "unknown_image", "images are named {k}.png, k counting from 0");
      std::string file = run->image_file(k);
      if (file.empty()) {
        throw HttpError(404, "unknown_image",
                        "run " + run->id() + " has no image " + std::to_string(k) +
                            (run->finished() ? "" : " (it has not finished)"));
      }
      std::ifstream in(file, std::ios::binary);
      if (!in) throw HttpError(404, "unknown_image", "the image file of run " + run->id() + " is gone");
      std::ostringstream bytes;
      bytes << in.rdbuf();
      Response response{http::status::ok, request.version()};
      response.set(http::field::server, "brick-serve");
      response.set(http::field::content_type, "image/png");
      response.keep_alive(request.keep_alive());
      response.body() = bytes.str();
      response.prepare_payload();
      return plain(std::move(response));
    }
  }
  throw HttpError(404, "unknown_route",
                  "no route " + std::string(request.method_string()) + " " +
                      std::string(request.target().substr(0, 200)) +
                      " (the routes: GET /health, /plugins, /pipelines, /metrics, POST /runs, GET|DELETE "
                      "/runs/{id}, GET /runs/{id}/events, /runs/{id}/images/{k}.png, and the Open Inference "
                      "Protocol's under /v2)");
}

// POST /plugins/reload {"name": "plugin"}: that plugin's file loaded again
// as a new generation (docs/hot-reload.md); with no name, every loaded
// plugin whose file changed. A refused build keeps the current generation
// serving: 422 with the reason.
Response Api::reload_plugins(const Request& request) {
  std::optional<std::string> name;
  if (!request.body().empty()) {
    boost::system::error_code ec;
    json::value body = json::parse(request.body(), ec);
    if (ec) throw HttpError(400, "malformed_json", "the body is not valid JSON: " + ec.message());
    if (!body.is_object()) throw HttpError(400, "invalid_request", "the body must be a JSON object");
    for (const auto& [key, value] : body.as_object()) {
      if (key != "name" || !value.is_string())
        throw HttpError(400, "invalid_request", "a reload takes {\"name\": \"<plugin>\"} or nothing (every plugin)");
      name = std::string(value.as_string());
    }
  }
  json::array events;
  const host::ReloadEvent* refused = nullptr;
  std::vector<host::ReloadEvent> done = reloads_.reload(name);
  for (const host::ReloadEvent& event : done) {
    json::object entry{{"event", host::ReloadEvent::kind_name(event.kind)},
                       {"plugin", event.plugin},
                       {"version", event.version},
                       {"generation", event.generation},
                       {"message", event.message()}};
    if (!event.reason.empty()) entry["reason"] = event.reason;
    events.push_back(std::move(entry));
    if (event.kind == host::ReloadEvent::Kind::Refused) refused = &event;
  }
  if (refused && name) {
    return json_response(
        request, http::status::unprocessable_entity,
        json::object{{"error", json::object{{"code", "reload_refused"}, {"message", refused->message()}}},
                     {"events", events}});
  }
  return json_response(request, http::status::ok, json::object{{"events", events}});
}

Reply Api::post_run(const Request& request) {
  json::value body;
  {
    boost::system::error_code ec;
    json::parse_options parse_options;
    body = json::parse(request.body(), ec, {}, parse_options);
    if (ec) throw HttpError(400, "malformed_json", "the body is not valid JSON: " + ec.message());
  }
  if (!body.is_object()) throw HttpError(400, "invalid_request", "the body must be a JSON object");
  const json::object& object = body.as_object();
  for (const auto& [key, value] : object) {
    static const char* known[] = {"pipeline", "block", "inputs", "outputs", "workflow", "wait"};
    if (std::find_if(std::begin(known), std::end(known), [&](const char* k) { return key == k; }) == std::end(known)) {
      throw HttpError(
          400, "invalid_request",
          "unknown field '" + std::string(key) + "' (a run takes pipeline or block, inputs, outputs, workflow, wait)");
    }
  }
  const json::value* pipeline = object.if_contains("pipeline");
  const json::value* block = object.if_contains("block");
  if (!pipeline == !block) throw HttpError(400, "invalid_request", "give one of \"pipeline\" and \"block\"");
  const json::value* name = pipeline ? pipeline : block;
  if (!name->is_string())
    throw HttpError(400, "invalid_request", std::string(pipeline ? "pipeline" : "block") + " must be a string");

  // Nothing is known before the pipelines are loaded: 503, not 404.
  if (std::string why = not_ready_(); !why.empty() && why != "draining") {
    throw HttpError(503, "not_ready",
                    why == "loading" ? "the server is still loading its pipelines (GET /health says when it is ready)"
                                     : "the server's pipelines failed to load: " + why);
  }
  Job job;
  job.is_block = block != nullptr;
  job.target = std::string(name->as_string());
  std::shared_ptr<const CatalogEntry> entry;
  if (job.is_block) {
    entry = catalog_.block(job.target);
  } else {
    entry = catalog_.pipeline(job.target);
    if (!entry) {
      std::vector<std::string> names;
      for (const auto& each : catalog_.pipelines()) names.push_back(each->name);
      std::string message = "unknown pipeline '" + job.target + "'";
      if (auto close = host::closest_name(job.target, names)) message += " (did you mean '" + *close + "'?)";
      throw HttpError(404, "unknown_pipeline", message + "; the pipelines: " + listed(names));
    }
  }
  if (const json::value* workflow = object.if_contains("workflow")) {
    if (!workflow->is_string()) throw HttpError(400, "invalid_request", "workflow must be a string");
    job.workflow = std::string(workflow->as_string());
    if (std::find(entry->workflows.begin(), entry->workflows.end(), job.workflow) == entry->workflows.end()) {
      throw HttpError(
          400, "unknown_workflow",
          "unknown workflow '" + job.workflow + "' of " + entry->name + "; its workflows: " + listed(entry->workflows));
    }
  }
  if (const json::value* inputs = object.if_contains("inputs")) {
    if (!inputs->is_object()) throw HttpError(400, "invalid_request", "inputs must be a JSON object {name: value}");
    job.inputs = inputs->as_object();
  }
  check_inputs(*entry, job.inputs);
  if (const json::value* outputs = object.if_contains("outputs")) {
    if (!outputs->is_array()) throw HttpError(400, "invalid_request", "outputs must be an array of names");
    for (const json::value& output : outputs->as_array()) {
      if (!output.is_string()) throw HttpError(400, "invalid_request", "outputs must be an array of names");
      job.outputs.emplace_back(output.as_string());
    }
  }
  bool wait = false;
  if (const json::value* w = object.if_contains("wait")) {
    if (!w->is_bool()) throw HttpError(400, "invalid_request", "wait must be true or false");
    wait = w->as_bool();
  }

  std::shared_ptr<RunRecord> run = runs_.submit(std::move(job));
  if (wait) {
    Reply reply;
    reply.kind = Reply::Kind::WaitForRun;
    reply.run = run;
    return reply;
  }
  Response response =
      json_response(request, http::status::accepted,
                    json::object{{"id", run->id()}, {"status", "queued"}, {"url", "/runs/" + run->id()}});
  response.set(http::field::location, "/runs/" + run->id());
  return plain(std::move(response));
}

}  // namespace brick::serve
