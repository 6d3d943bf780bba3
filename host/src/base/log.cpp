#include "brick/host/base/log.h"

#include <cstdio>
#include <mutex>

namespace brick::host {

namespace {

void stderr_sink(const LogRecord& record) {
  if (record.level < LogLevel::Info) return;
  std::fprintf(stderr, "[%s] %.*s: %.*s\n", log_level_name(record.level), static_cast<int>(record.source.size()),
               record.source.data(), static_cast<int>(record.message.size()), record.message.data());
}

std::mutex& sink_mutex() {
  static std::mutex mutex;
  return mutex;
}

LogSink& current_sink() {
  static LogSink sink = stderr_sink;
  return sink;
}

}  // namespace

const char* log_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::Debug:
      return "debug";
    case LogLevel::Info:
      return "info";
    case LogLevel::Warning:
      return "warning";
    case LogLevel::Error:
      return "error";
  }
  return "log";
}

LogSink set_log_sink(LogSink sink) {
  std::lock_guard<std::mutex> lock(sink_mutex());
  LogSink previous = std::move(current_sink());
  current_sink() = sink ? std::move(sink) : LogSink(stderr_sink);
  return previous;
}

void log(LogLevel level, std::string_view source, std::string_view message) {
  LogSink sink;
  {
    std::lock_guard<std::mutex> lock(sink_mutex());
    sink = current_sink();
  }
  sink(LogRecord{level, source, message});
}

}  // namespace brick::host
