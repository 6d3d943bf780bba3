// The host's fingerprint: what a cached plugin entry is only valid for. A
// cache written by a host with another SDK ABI, LibTorch, CUDA major or C++
// library ABI is another host's cache (a plugin that fitted there may not fit
// here), so the cache file is named and checked by it. The host fills it in
// (the registry does not see LibTorch); brick::host::host_fingerprint() does.
#pragma once

#include <string>

namespace brick::registry {

struct HostFingerprint {
  std::string sdk_abi;   // "1.0"
  std::string torch;     // LibTorch version, "" when the host has none
  std::string cuda;      // CUDA major LibTorch was built with, or "none"
  std::string cxx_abi;   // "cxx11abi=1" (libstdc++'s dual ABI)

  // All four in one line, for messages.
  std::string text() const;
  // 16 hex digits hashing text(): names the cache file.
  std::string key() const;
  bool operator==(const HostFingerprint&) const = default;
};

}  // namespace brick::registry
