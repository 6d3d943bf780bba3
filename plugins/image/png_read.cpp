#include "png_read.h"

#include <ATen/ops/empty.h>
#include <brick/sdk/error.h>
#include <png.h>

#include <cerrno>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "png_errors.h"

namespace image {

namespace {

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

// The libpng read and info structs, destroyed together whatever happened.
struct ReadStructs {
  png_structp png = nullptr;
  png_infop info = nullptr;
  ~ReadStructs() {
    if (png) png_destroy_read_struct(&png, info ? &info : nullptr, nullptr);
  }
};

struct Header {
  png_uint_32 width = 0;
  png_uint_32 height = 0;
  png_byte channels = 0;
  size_t rowbytes = 0;
};

// Phase one: reads the chunks up to the image data and sets up the
// transformations to 8-bit RGB. Nothing with a destructor lives in this
// frame: a libpng error longjmps back to the setjmp below.
bool read_header(png_structp png, png_infop info, std::FILE* file, Header* header) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_init_io(png, file);
  png_set_sig_bytes(png, 8);  // the caller checked the signature
  png_read_info(png, info);
  png_byte color_type = png_get_color_type(png, info);
  png_byte bit_depth = png_get_bit_depth(png, info);
  if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);  // also turns tRNS into alpha
  if ((color_type & PNG_COLOR_MASK_COLOR) == 0 && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (bit_depth == 16) png_set_strip_16(png);  // keeps the high byte, as the issue asks (not rescaled)
  // Alpha and tRNS are dropped, as PIL's convert("RGB") does (no
  // compositing on a background).
  png_set_strip_alpha(png);
  if ((color_type & PNG_COLOR_MASK_COLOR) == 0) png_set_gray_to_rgb(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  header->width = png_get_image_width(png, info);
  header->height = png_get_image_height(png, info);
  header->channels = png_get_channels(png, info);
  header->rowbytes = png_get_rowbytes(png, info);
  return true;
}

// Phase two: decodes every row (all passes when interlaced) and reads the
// chunks after the image data up to IEND, so a truncated file is an error.
bool read_rows(png_structp png, png_infop info, png_bytepp rows) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_read_image(png, rows);
  png_read_end(png, info);
  return true;
}

// libpng says "Read Error" for a short read; say that the file ended early.
std::string decode_problem(std::FILE* file, const PngErrorSink& sink) {
  if (!std::feof(file)) return sink.message;
  std::string problem = "the file is truncated (libpng: ";
  problem += sink.message;
  problem += ")";
  return problem;
}

[[noreturn]] void fail(const std::string& path, brick_status status, const std::string& problem) {
  std::string message = "cannot read PNG '";
  message += path;
  message += "': ";
  message += problem;
  throw brick::Error(status, message);
}

}  // namespace

at::Tensor read_png(const std::string& path) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    int error = errno;
    fail(path, error == ENOENT ? BRICK_ERR_NOT_FOUND : BRICK_ERR_INVALID_ARGUMENT, std::strerror(error));
  }

  png_byte signature[8] = {};
  size_t got = std::fread(signature, 1, sizeof signature, file.get());
  if (got != sizeof signature && std::ferror(file.get())) {
    int error = errno;  // a folder opens but does not read (EISDIR)
    fail(path, BRICK_ERR_INVALID_ARGUMENT, std::strerror(error));
  }
  if (got != sizeof signature || png_sig_cmp(signature, 0, sizeof signature) != 0) {
    fail(path, BRICK_ERR_INVALID_ARGUMENT, got == 0 ? "the file is empty" : "not a PNG file (bad signature)");
  }

  PngErrorSink sink;
  ReadStructs structs;
  structs.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &sink, png_error_to_sink, png_ignore_warning);
  if (!structs.png) fail(path, BRICK_ERR_OUT_OF_MEMORY, "libpng could not allocate its read struct");
  structs.info = png_create_info_struct(structs.png);
  if (!structs.info) fail(path, BRICK_ERR_OUT_OF_MEMORY, "libpng could not allocate its info struct");

  Header header;
  if (!read_header(structs.png, structs.info, file.get(), &header)) {
    fail(path, BRICK_ERR_INVALID_ARGUMENT, decode_problem(file.get(), sink));
  }
  if (header.channels != 3 || header.rowbytes != size_t{header.width} * 3) {
    // Cannot happen with the transformations above; guards the buffer size.
    fail(path, BRICK_ERR_INTERNAL,
         "unexpected layout after conversion to RGB (" + std::to_string(header.channels) + " channels)");
  }

  // A decompression bomb (a few kilobytes of deflate claiming a huge image)
  // is refused from its header, before anything is allocated or inflated.
  const uint64_t decoded = uint64_t{header.width} * header.height * 3;
  if (decoded > kMaxDecodedPngBytes) {
    fail(path, BRICK_ERR_INVALID_ARGUMENT,
         "the image is " + std::to_string(header.width) + "x" + std::to_string(header.height) + " pixels (" +
             std::to_string(decoded >> 20) + " MiB as RGB), more than the " +
             std::to_string(kMaxDecodedPngBytes >> 20) + " MiB an image may decode to");
  }

  at::Tensor image;
  try {
    image = at::empty({int64_t{header.height}, int64_t{header.width}, 3}, at::kByte);
  } catch (const std::exception&) {
    // A header may claim up to 2^31 x 2^31 pixels; say which file did.
    fail(path, BRICK_ERR_OUT_OF_MEMORY,
         "cannot allocate " + std::to_string(header.width) + "x" + std::to_string(header.height) + " RGB pixels");
  }
  auto* base = image.data_ptr<uint8_t>();
  std::vector<png_bytep> rows(header.height);
  for (png_uint_32 y = 0; y < header.height; ++y) rows[y] = base + size_t{y} * header.rowbytes;
  if (!read_rows(structs.png, structs.info, rows.data())) {
    fail(path, BRICK_ERR_INVALID_ARGUMENT, decode_problem(file.get(), sink));
  }
  return image;
}

}  // namespace image
