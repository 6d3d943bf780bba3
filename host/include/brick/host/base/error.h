// brick::host::Error: every failure the host reports, with a brick_status
// code (the same numbers the C ABI uses) and a message that names what failed.
#pragma once

#include <stdexcept>
#include <string>

#include "brick/brick_abi.h"

namespace brick::host {

class Error : public std::runtime_error {
 public:
  Error(brick_status status, const std::string& message) : std::runtime_error(message), status_(status) {}
  brick_status status() const noexcept { return status_; }

 private:
  brick_status status_;
};

// A block raised: the message names the block, then gives the block's own.
class BlockError : public Error {
 public:
  BlockError(brick_status status, std::string block, const std::string& message)
      : Error(status, message), block_(std::move(block)) {}
  const std::string& block() const noexcept { return block_; }

 private:
  std::string block_;
};

// A plugin library could not be loaded; the message names the file and why.
class PluginLoadError : public Error {
 public:
  PluginLoadError(brick_status status, std::string path, const std::string& message)
      : Error(status, message), path_(std::move(path)) {}
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

}  // namespace brick::host
