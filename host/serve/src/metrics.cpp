#include "metrics.h"

#include "api_types.h"

#include <cmath>
#include <cstdio>
#include <vector>

namespace brick::serve {

namespace {

// A sample value as Prometheus reads it: integers without a fraction.
std::string number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char text[64];
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    std::snprintf(text, sizeof text, "%.0f", value);
  } else {
    std::snprintf(text, sizeof text, "%.9g", value);
  }
  return text;
}

// A label value, escaped as the exposition format says (\\, \", \n).
std::string escaped(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void header(std::string& out, const char* name, const char* type, const char* help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void sample(std::string& out, const std::string& name, const std::string& labels, double value) {
  out += name;
  if (!labels.empty()) out += "{" + labels + "}";
  out += ' ';
  out += number(value);
  out += '\n';
}

}  // namespace

std::string route_label(std::string_view target) {
  std::vector<std::string> p = path_parts(target);
  size_t n = p.size();
  if (n == 0) return "/";
  const std::string& head = p[0];
  if (n == 1 && (head == "health" || head == "plugins" || head == "pipelines" || head == "runs" || head == "metrics"))
    return "/" + head;
  if (n == 2 && head == "plugins" && p[1] == "reload") return "/plugins/reload";
  if (head == "runs") {
    if (n == 2) return "/runs/{id}";
    if (n == 3 && p[2] == "events") return "/runs/{id}/events";
    if (n == 4 && p[2] == "images") return "/runs/{id}/images/{k}.png";
  }
  if (head == "v2") {
    if (n == 1) return "/v2";
    if (n == 3 && p[1] == "health" && (p[2] == "live" || p[2] == "ready")) return "/v2/health/" + p[2];
    if (p[1] == "models" && n >= 3) {
      // /v2/models/{name}[/versions/{version}][/ready|/infer]
      size_t rest = n >= 5 && p[3] == "versions" ? 5 : 3;
      std::string base = rest == 5 ? "/v2/models/{name}/versions/{version}" : "/v2/models/{name}";
      if (n == rest) return base;
      if (n == rest + 1 && (p[rest] == "ready" || p[rest] == "infer")) return base + "/" + p[rest];
    }
  }
  return "other";
}

void Metrics::Histogram::observe(double seconds) {
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++counts[i];
      break;
    }
  }
  ++count;
  sum += seconds;
}

void Metrics::Histogram::write(std::string& out, const std::string& name, const std::string& labels) const {
  std::string prefix = labels.empty() ? "" : labels + ",";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    cumulative += counts[i];
    sample(out, name + "_bucket", prefix + "le=\"" + number(kBuckets[i]) + "\"", static_cast<double>(cumulative));
  }
  sample(out, name + "_bucket", prefix + "le=\"+Inf\"", static_cast<double>(count));
  sample(out, name + "_sum", labels, sum);
  sample(out, name + "_count", labels, static_cast<double>(count));
}

void Metrics::request(const std::string& route, const std::string& method, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{route, method, status}];
  request_seconds_[route].observe(seconds);
}

void Metrics::run_finished(const std::string& status, double seconds) {
  std::lock_guard lock(mutex_);
  ++runs_[status];
  if (seconds >= 0) run_seconds_.observe(seconds);
}

void Metrics::worker_restarted() {
  std::lock_guard lock(mutex_);
  ++worker_restarts_;
}

void Metrics::plugin_reload(bool succeeded) {
  std::lock_guard lock(mutex_);
  ++(succeeded ? plugin_reloads_ : plugin_reload_failures_);
}

uint64_t Metrics::requests_total() const {
  std::lock_guard lock(mutex_);
  uint64_t total = 0;
  for (const auto& [key, count] : requests_) total += count;
  return total;
}

uint64_t Metrics::worker_restarts() const {
  std::lock_guard lock(mutex_);
  return worker_restarts_;
}

std::string Metrics::render(const Gauges& gauges) const {
  std::lock_guard lock(mutex_);
  std::string out;
  header(out, "brick_http_requests_total", "counter", "HTTP requests answered, by route template, method and status.");
  for (const auto& [key, count] : requests_) {
    const auto& [route, method, status] = key;
    sample(
        out, "brick_http_requests_total",
        "route=\"" + escaped(route) + "\",method=\"" + escaped(method) + "\",code=\"" + std::to_string(status) + "\"",
        static_cast<double>(count));
  }
  header(out, "brick_http_request_duration_seconds", "histogram",
         "Seconds from a request read to its answer sent (for a waited run: the queue and the run), by route.");
  for (const auto& [route, histogram] : request_seconds_)
    histogram.write(out, "brick_http_request_duration_seconds", "route=\"" + escaped(route) + "\"");

  header(out, "brick_queue_depth", "gauge", "Runs waiting for a worker.");
  sample(out, "brick_queue_depth", "", static_cast<double>(gauges.queued));
  header(out, "brick_runs_in_progress", "gauge", "Runs executing on a worker now.");
  sample(out, "brick_runs_in_progress", "", static_cast<double>(gauges.running));
  header(out, "brick_workers", "gauge", "Workers (runs executed at once) of this server.");
  sample(out, "brick_workers", "", gauges.workers);
  header(out, "brick_ready", "gauge", "1 when the server takes runs (pipelines loaded, not draining), else 0.");
  sample(out, "brick_ready", "", gauges.ready ? 1 : 0);
  header(out, "brick_draining", "gauge", "1 from SIGTERM (or Server::begin_drain) until the server exits.");
  sample(out, "brick_draining", "", gauges.draining ? 1 : 0);

  header(out, "brick_runs_finished_total", "counter", "Runs that ended, by status: done, failed or cancelled.");
  for (const char* status : {"done", "failed", "cancelled"}) {
    auto it = runs_.find(status);
    sample(out, "brick_runs_finished_total", std::string("status=\"") + status + "\"",
           it == runs_.end() ? 0.0 : static_cast<double>(it->second));
  }
  header(out, "brick_runs_cancelled_total", "counter",
         "Runs cancelled (DELETE /runs/{id}, or queued or running when the server stopped).");
  {
    auto it = runs_.find("cancelled");
    sample(out, "brick_runs_cancelled_total", "", it == runs_.end() ? 0.0 : static_cast<double>(it->second));
  }
  header(out, "brick_run_duration_seconds", "histogram", "Seconds a run executed on its worker (queue wait excluded).");
  run_seconds_.write(out, "brick_run_duration_seconds", "");

  header(out, "brick_worker_restarts_total", "counter",
         "Worker processes started again after one died (--isolation process).");
  sample(out, "brick_worker_restarts_total", "", static_cast<double>(worker_restarts_));
  header(out, "brick_plugin_reloads_total", "counter", "Plugins reloaded in place (hot reload).");
  sample(out, "brick_plugin_reloads_total", "", static_cast<double>(plugin_reloads_));
  header(out, "brick_plugin_reload_failures_total", "counter",
         "Plugin reloads refused (the new build did not load; the old one kept serving).");
  sample(out, "brick_plugin_reload_failures_total", "", static_cast<double>(plugin_reload_failures_));

  header(out, "brick_device_memory_used_bytes", "gauge",
         "Memory this server uses on its device: resident memory of the server and its worker processes for "
         "the CPU; for CUDA, free memory at start less free memory now.");
  for (const auto& [device, bytes] : gauges.memory_used)
    sample(out, "brick_device_memory_used_bytes", "device=\"" + escaped(device) + "\"", bytes);
  if (!gauges.memory_free.empty()) {
    header(out, "brick_device_memory_free_bytes", "gauge", "Free memory of the device (cudaMemGetInfo).");
    for (const auto& [device, bytes] : gauges.memory_free)
      sample(out, "brick_device_memory_free_bytes", "device=\"" + escaped(device) + "\"", bytes);
  }
  return out;
}

}  // namespace brick::serve
