// Metrics: the counters, gauges and histograms of GET /metrics, written in
// Prometheus's text exposition format (version 0.0.4) with its naming
// conventions: every name starts with brick_, counters end in _total,
// durations are _seconds histograms, memory is _bytes. Counters only grow;
// gauges are read when the page is made (Gauges). Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace brick::serve {

class Metrics {
 public:
  // What is read at scrape time rather than counted.
  struct Gauges {
    size_t queued = 0;
    size_t running = 0;
    int workers = 0;
    bool ready = false;
    bool draining = false;
    // Device memory in use by this server, bytes, per device name ("cpu",
    // "cuda:0"); device memory free where the device says (CUDA).
    std::vector<std::pair<std::string, double>> memory_used;
    std::vector<std::pair<std::string, double>> memory_free;
  };

  // An HTTP answer as it is sent: its route template (route_label), the
  // method, the status, and the seconds from the request read to the answer.
  void request(const std::string& route, const std::string& method, int status, double seconds);
  // A run ended: "done", "failed" or "cancelled", after `seconds` running
  // (negative: it never started, as a queued run cancelled).
  void run_finished(const std::string& status, double seconds);
  void worker_restarted();
  void plugin_reload(bool succeeded);

  std::string render(const Gauges& gauges) const;

  // Totals, for tests and logs.
  uint64_t requests_total() const;
  uint64_t worker_restarts() const;

 private:
  static constexpr std::array<double, 14> kBuckets = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                      0.5,   1,     2.5,  5,     10,   30,  60};
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> counts{};  // per bucket, not cumulative
    uint64_t count = 0;
    double sum = 0;
    void observe(double seconds);
    void write(std::string& out, const std::string& name, const std::string& labels) const;
  };

  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;  // route, method, status
  std::map<std::string, Histogram> request_seconds_;                        // by route
  std::map<std::string, uint64_t> runs_;                                    // by status
  Histogram run_seconds_;
  uint64_t worker_restarts_ = 0;
  uint64_t plugin_reloads_ = 0;
  uint64_t plugin_reload_failures_ = 0;
};

// The route template of a request for the metrics' `route` label, so that
// the label has a bounded set of values: "/runs/{id}", "/v2/models/{name}/infer",
// ...; "other" for a path no route serves.
std::string route_label(std::string_view target);

}  // namespace brick::serve
