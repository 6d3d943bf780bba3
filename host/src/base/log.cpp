#include "brick/host/base/log.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace brick::host {

namespace {

void stderr_sink(const LogRecord& record) {
  std::fprintf(stderr, "[%s] %.*s: %.*s\n", log_level_name(record.level), static_cast<int>(record.source.size()),
               record.source.data(), static_cast<int>(record.message.size()), record.message.data());
}

// Held while the sink runs, so records from several threads reach it one at
// a time and set_log_sink waits for a call in progress. Recursive: a sink
// may itself log (and reach itself again) on its thread.
std::recursive_mutex& sink_mutex() {
  static std::recursive_mutex mutex;
  return mutex;
}

LogSink& current_sink() {
  static LogSink sink = stderr_sink;
  return sink;
}

// BRICK_LOG_LEVEL, read once; Info when unset or not a level's name.
std::atomic<int>& threshold() {
  static std::atomic<int> level = [] {
    const char* env = std::getenv("BRICK_LOG_LEVEL");
    std::optional<LogLevel> parsed = env ? parse_log_level(env) : std::nullopt;
    return static_cast<int>(parsed.value_or(LogLevel::Info));
  }();
  return level;
}

}  // namespace

std::optional<LogLevel> parse_log_level(std::string_view name) {
  for (LogLevel level : {LogLevel::Debug, LogLevel::Info, LogLevel::Warning, LogLevel::Error}) {
    if (name == log_level_name(level)) return level;
  }
  return std::nullopt;
}

LogLevel log_level() { return static_cast<LogLevel>(threshold().load(std::memory_order_relaxed)); }

void set_log_level(LogLevel level) { threshold().store(static_cast<int>(level), std::memory_order_relaxed); }

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
  std::lock_guard<std::recursive_mutex> lock(sink_mutex());
  LogSink previous = std::move(current_sink());
  current_sink() = sink ? std::move(sink) : LogSink(stderr_sink);
  return previous;
}

void log(LogLevel level, std::string_view source, std::string_view message) {
  if (static_cast<int>(level) < threshold().load(std::memory_order_relaxed)) return;
  std::lock_guard<std::recursive_mutex> lock(sink_mutex());
  // A copy: the sink may replace itself (set_log_sink) while it runs.
  LogSink sink = current_sink();
  sink(LogRecord{level, source, message});
}

}  // namespace brick::host
