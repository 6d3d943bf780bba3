// The temporary file an atomic write goes through (written, then renamed over
// the real one). Its name is unique in the machine: the process id alone is
// not, since two threads of one process may write the same cache or lock
// file at once, and with one temporary name one thread's rename would move
// the other's half-written file into place.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>

namespace brick::registry::detail {

inline std::filesystem::path temp_path_for(const std::filesystem::path& file) {
  static std::atomic<uint64_t> counter{0};
  std::filesystem::path temp = file;
  temp += ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter.fetch_add(1));
  return temp;
}

}  // namespace brick::registry::detail
