// Host logging. Everything the host and its plugins report (warnings such as
// "Unexpected input ...", plugin messages, load failures) goes to one sink,
// which a custom host replaces to route messages into its own logging.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "brick/brick_abi.h"

namespace brick::host {

enum class LogLevel : int {
  Debug = BRICK_LOG_DEBUG,
  Info = BRICK_LOG_INFO,
  Warning = BRICK_LOG_WARNING,
  Error = BRICK_LOG_ERROR
};

struct LogRecord {
  LogLevel level;
  std::string_view source;  // "brick" for the host, the plugin's name otherwise
  std::string_view message;
};

using LogSink = std::function<void(const LogRecord&)>;

// Replaces the sink; returns the previous one. The default sink writes
// "[warning] brick: message" lines to stderr. The sink is called by one
// thread at a time (so it needs no lock of its own, and lines never
// interleave); once set_log_sink returns, the previous sink is not called
// again.
LogSink set_log_sink(LogSink sink);
// Sends a message to the sink when its level is at least log_level().
void log(LogLevel level, std::string_view source, std::string_view message);

// Messages below this level are dropped before any sink sees them. Starts
// at BRICK_LOG_LEVEL (debug, info, warning or error), else info.
LogLevel log_level();
void set_log_level(LogLevel level);
// "debug" -> Debug, ...; nullopt for another text.
std::optional<LogLevel> parse_log_level(std::string_view name);

inline void log_warning(std::string_view message) { log(LogLevel::Warning, "brick", message); }
inline void log_error(std::string_view message) { log(LogLevel::Error, "brick", message); }

// Installs a sink for the lifetime of the object (tests, scoped capture).
class ScopedLogSink {
 public:
  explicit ScopedLogSink(LogSink sink) : previous_(set_log_sink(std::move(sink))) {}
  ~ScopedLogSink() { set_log_sink(std::move(previous_)); }
  ScopedLogSink(const ScopedLogSink&) = delete;
  ScopedLogSink& operator=(const ScopedLogSink&) = delete;

 private:
  LogSink previous_;
};

const char* log_level_name(LogLevel level);

}  // namespace brick::host
