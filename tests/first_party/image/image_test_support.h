// Helpers of the image plugin's tests: the host with the image plugin and
// the fake components loaded, a scratch folder, and a PNG writer that makes
// files in any libpng format (gray, palette, 16-bit, ...) the plugin itself
// never writes.
#pragma once

#include <gtest/gtest.h>
#include <png.h>

#include <csetjmp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "brick/host/loader/host.h"
#include "brick/host/pipeline/modular_pipeline.h"

namespace image_test {

namespace fs = std::filesystem;

// Never destroyed: plugins stay resident, and a static Host would be torn
// down after them.
inline brick::host::Host& host() {
  static brick::host::Host* instance = [] {
    auto* h = new brick::host::Host();
    h->load_plugin(std::string(BRICK_BINARY_DIR) + "/lib/brick/plugins/image.so");
    h->load_plugin(std::string(IMAGE_TEST_PLUGIN_DIR) + "/image_test.so");
    return h;
  }();
  return *instance;
}

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("brick-image-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

// What to write: rows of raw samples as libpng expects them for the color
// type and bit depth (16-bit samples big-endian, sub-byte samples packed).
struct PngSpec {
  png_uint_32 width = 0;
  png_uint_32 height = 0;
  int color_type = PNG_COLOR_TYPE_RGB;
  int bit_depth = 8;
  int interlace = PNG_INTERLACE_NONE;
  std::vector<png_color> palette;
  std::vector<png_byte> trns;  // palette alpha
  std::vector<std::vector<png_byte>> rows;
};

namespace detail {
inline bool write_spec(png_structp png, png_infop info, std::FILE* file, const PngSpec* spec, png_bytepp rows) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_init_io(png, file);
  png_set_IHDR(png, info, spec->width, spec->height, spec->bit_depth, spec->color_type, spec->interlace,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (!spec->palette.empty()) {
    png_set_PLTE(png, info, spec->palette.data(), static_cast<int>(spec->palette.size()));
  }
  if (!spec->trns.empty()) png_set_tRNS(png, info, spec->trns.data(), static_cast<int>(spec->trns.size()), nullptr);
  png_write_info(png, info);
  png_write_image(png, rows);
  png_write_end(png, nullptr);
  return true;
}
}  // namespace detail

inline void write_test_png(const std::string& path, const PngSpec& spec) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr) << path;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  std::vector<png_bytep> rows;
  for (const auto& row : spec.rows) rows.push_back(const_cast<png_bytep>(row.data()));
  bool ok = detail::write_spec(png, info, file, &spec, rows.data());
  png_destroy_write_struct(&png, &info);
  std::fclose(file);
  ASSERT_TRUE(ok) << "libpng could not write the test file " << path;
}

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

}  // namespace image_test
