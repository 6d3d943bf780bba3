// The readers under fuzzing take a path (they map or stream the file), so
// each input is written to a file of this process first: no reader gets a
// second, in-memory entry point only the fuzzer uses.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace brick::fuzz {

// A folder of this process under $TMPDIR (libFuzzer's -jobs run several).
inline const std::filesystem::path& work_dir() {
  static const std::filesystem::path dir = [] {
    std::filesystem::path d = std::filesystem::temp_directory_path() / ("brick-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

// Writes the input to work_dir()/name and returns the path.
inline std::filesystem::path write_input(const char* name, const uint8_t* data, size_t size) {
  std::filesystem::path path = work_dir() / name;
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (!file) std::abort();  // the fuzzer's own failure, not the reader's
  if (size && std::fwrite(data, 1, size, file) != size) std::abort();
  std::fclose(file);
  return path;
}

}  // namespace brick::fuzz
