#include "brick/host/base/progress.h"

#include <mutex>

namespace brick::host {

namespace {
std::mutex& sink_mutex() {
  static std::mutex mutex;
  return mutex;
}

ProgressSink& current_sink() {
  static ProgressSink sink;
  return sink;
}
}  // namespace

ProgressSink set_progress_sink(ProgressSink sink) {
  std::lock_guard<std::mutex> lock(sink_mutex());
  ProgressSink previous = std::move(current_sink());
  current_sink() = std::move(sink);
  return previous;
}

void report_progress(std::string_view source, int64_t done, int64_t total) {
  std::lock_guard<std::mutex> lock(sink_mutex());
  if (current_sink()) current_sink()(ProgressRecord{source, done, total});
}

}  // namespace brick::host
