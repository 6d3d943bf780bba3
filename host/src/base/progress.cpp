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

void report_progress(const ProgressRecord& record) {
  std::lock_guard<std::mutex> lock(sink_mutex());
  if (current_sink()) current_sink()(record);
}

}  // namespace brick::host
