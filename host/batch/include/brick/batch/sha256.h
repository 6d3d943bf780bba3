// SHA-256 (FIPS 180-4) of bytes and of files, as lowercase hex: the
// manifest's check that a file counted as done is the file that was written.
// Written here from the standard (forty lines did not justify linking
// OpenSSL into every host that runs batches).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace brick::batch {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t size);
  void update(std::string_view text) { update(text.data(), text.size()); }
  // The digest as 64 lowercase hex digits; the object is spent afterwards.
  std::string hex_digest();

 private:
  void compress(const uint8_t* block);

  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t length_ = 0;  // bytes hashed so far
};

std::string sha256_hex(std::string_view bytes);
// Throws std::runtime_error naming the file when it cannot be read.
std::string sha256_file(const std::filesystem::path& path);

}  // namespace brick::batch
