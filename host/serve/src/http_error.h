// HttpError: a request the server refuses, with the HTTP status and the
// error code and message of the JSON answer ({"error": {"code", "message"}}).
#pragma once

#include <stdexcept>
#include <string>

namespace brick::serve {

class HttpError : public std::runtime_error {
 public:
  HttpError(int status, std::string code, const std::string& message)
      : std::runtime_error(message), status_(status), code_(std::move(code)) {}
  int status() const noexcept { return status_; }
  const std::string& code() const noexcept { return code_; }

 private:
  int status_;
  std::string code_;
};

}  // namespace brick::serve
