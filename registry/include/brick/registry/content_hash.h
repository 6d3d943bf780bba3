// The content hash the registry keeps per plugin file: 64-bit FNV-1a over
// the file's bytes, read in 64-bit words. It detects a changed or swapped
// file (cache invalidation, lock files); it is not a cryptographic hash and
// does not defend against a deliberately forged file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace brick::registry {

// The hash of `bytes`.
uint64_t content_hash(std::string_view bytes);

// The hash of a file's content; throws RegistryError when it cannot be read.
uint64_t file_content_hash(const std::filesystem::path& path);

// "fnv1a64:" and 16 hex digits: the form written to cache and lock files.
std::string hash_text(uint64_t hash);

}  // namespace brick::registry
