// brick::Error: the one exception type of the C++ authoring layer.
//
// A host call that fails inside a block becomes an Error carrying the host's
// status and message; an Error (or any other exception) that leaves a block
// is turned back into a status plus message at the ABI boundary.
#pragma once

#include <stdexcept>
#include <string>

#include "brick/brick_abi.h"

namespace brick {

class Error : public std::runtime_error {
 public:
  Error(brick_status status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  explicit Error(const std::string& message) : Error(BRICK_ERR_BLOCK_FAILED, message) {}

  brick_status status() const noexcept { return status_; }

 private:
  brick_status status_;
};

}  // namespace brick
