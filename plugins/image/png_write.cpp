#include "png_write.h"

#include <brick/sdk/error.h>
#include <png.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include "png_errors.h"

namespace image {

namespace {

struct WriteStructs {
  png_structp png = nullptr;
  png_infop info = nullptr;
  ~WriteStructs() {
    if (png) png_destroy_write_struct(&png, info ? &info : nullptr);
  }
};

// Nothing with a destructor lives in this frame: a libpng error (a short
// fwrite is "Write Error") longjmps back to the setjmp below.
bool write_rows(png_structp png, png_infop info, std::FILE* file, png_uint_32 width, png_uint_32 height,
                png_bytepp rows) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_init_io(png, file);
  png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  png_write_image(png, rows);
  png_write_end(png, nullptr);
  return true;
}

[[noreturn]] void fail(const std::string& path, brick_status status, const std::string& problem) {
  std::string message = "cannot write PNG '";
  message += path;
  message += "': ";
  message += problem;
  throw brick::Error(status, message);
}

// Unique among the writers of this process (pid) and its threads (counter).
std::string temporary_name(const std::string& path) {
  static std::atomic<unsigned long> counter{0};
  std::string name = path;
  name += ".tmp-";
  name += std::to_string(static_cast<long>(::getpid()));
  name += "-";
  name += std::to_string(counter.fetch_add(1));
  return name;
}

}  // namespace

void write_png(const std::string& path, const at::Tensor& image) {
  if (image.scalar_type() != at::kByte || image.dim() != 3 || image.size(2) != 3) {
    fail(path, BRICK_ERR_INVALID_ARGUMENT,
         "expected a uint8 tensor of shape (H, W, 3), got " + std::string(c10::toString(image.scalar_type())) + " of " +
             std::to_string(image.dim()) + " dimensions");
  }
  if (image.size(0) <= 0 || image.size(1) <= 0 || image.size(0) > PNG_UINT_31_MAX || image.size(1) > PNG_UINT_31_MAX) {
    fail(path, BRICK_ERR_INVALID_ARGUMENT,
         "a PNG is 1 to 2^31-1 pixels high and wide, got " + std::to_string(image.size(0)) + "x" +
             std::to_string(image.size(1)));
  }
  at::Tensor pixels = image.cpu().contiguous();
  auto height = static_cast<png_uint_32>(pixels.size(0));
  auto width = static_cast<png_uint_32>(pixels.size(1));
  std::vector<png_bytep> rows(height);
  auto* base = pixels.data_ptr<uint8_t>();
  for (png_uint_32 y = 0; y < height; ++y) rows[y] = base + size_t{y} * width * 3;

  PngErrorSink sink;
  WriteStructs structs;
  structs.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, png_error_to_sink, png_ignore_warning);
  if (!structs.png) fail(path, BRICK_ERR_OUT_OF_MEMORY, "libpng could not allocate its write struct");
  structs.info = png_create_info_struct(structs.png);
  if (!structs.info) fail(path, BRICK_ERR_OUT_OF_MEMORY, "libpng could not allocate its info struct");

  std::string temporary = temporary_name(path);
  std::FILE* file = std::fopen(temporary.c_str(), "wb");
  if (!file) {
    int error = errno;
    fail(path, error == ENOENT ? BRICK_ERR_NOT_FOUND : BRICK_ERR_INVALID_ARGUMENT, std::strerror(error));
  }
  bool written = write_rows(structs.png, structs.info, file, width, height, rows.data());
  // fclose flushes: a full disk may only show here.
  bool flushed = std::fflush(file) == 0;
  int error = errno;
  bool closed = std::fclose(file) == 0;
  if (!closed && flushed) error = errno;
  std::error_code ignored;
  if (!written) {
    std::filesystem::remove(temporary, ignored);
    fail(path, BRICK_ERR_INTERNAL, sink.message);
  }
  if (!flushed || !closed) {
    std::filesystem::remove(temporary, ignored);
    fail(path, BRICK_ERR_INTERNAL, std::strerror(error));
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    error = errno;
    std::filesystem::remove(temporary, ignored);
    fail(path, BRICK_ERR_INVALID_ARGUMENT,
         std::string("cannot rename the written file into place: ") + std::strerror(error));
  }
}

}  // namespace image
