// PNG reading and writing (png_read.cpp, png_write.cpp, compiled into this
// test): round trips, every input format libpng can hold, and every way a
// file can be broken.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/ops/equal.h>
#include <ATen/ops/randint.h>
#include <ATen/ops/tensor.h>
#include <ATen/ops/zeros.h>
#include <brick/sdk/error.h>
#include <zlib.h>

#include "image_test_support.h"
#include "png_read.h"
#include "png_write.h"

using namespace image_test;

namespace {

at::Tensor random_rgb(int64_t height, int64_t width, uint64_t seed) {
  return at::randint(0, 256, {height, width, 3}, at::detail::createCPUGenerator(seed), at::kByte);
}

// The error read_png throws for `path`, or "" when it did not throw.
std::string read_error(const std::string& path) {
  try {
    image::read_png(path);
  } catch (const brick::Error& e) {
    return e.what();
  }
  return "";
}

// Expected RGB pixels, row by row.
at::Tensor rgb(int64_t height, int64_t width, std::vector<uint8_t> values) {
  return at::tensor(values, at::kByte).reshape({height, width, 3});
}

}  // namespace

TEST(Png, RgbRoundTrip) {
  TempDir dir;
  for (auto [h, w] : std::vector<std::pair<int64_t, int64_t>>{{1, 1}, {5, 7}, {64, 33}}) {
    at::Tensor image = random_rgb(h, w, static_cast<uint64_t>(h * 100 + w));
    std::string path = dir / ("rgb-" + std::to_string(h) + "x" + std::to_string(w) + ".png");
    image::write_png(path, image);
    at::Tensor back = image::read_png(path);
    EXPECT_EQ(back.sizes(), image.sizes());
    EXPECT_TRUE(at::equal(back, image)) << h << "x" << w;
  }
}

TEST(Png, WritesNonContiguousImages) {
  TempDir dir;
  at::Tensor image = random_rgb(6, 4, 3).transpose(0, 1);  // (4, 6, 3), not contiguous
  image::write_png(dir / "t.png", image);
  EXPECT_TRUE(at::equal(image::read_png(dir / "t.png"), image.contiguous()));
}

TEST(Png, WriteReplacesTheFileAndLeavesNoTemporaryFile) {
  TempDir dir;
  std::string path = dir / "same.png";
  image::write_png(path, random_rgb(3, 3, 1));
  at::Tensor second = random_rgb(2, 5, 2);
  image::write_png(path, second);
  EXPECT_TRUE(at::equal(image::read_png(path), second));
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir.path())) names.push_back(entry.path().filename().string());
  EXPECT_EQ(names, std::vector<std::string>{"same.png"});
}

TEST(Png, ReadsGray8And16) {
  TempDir dir;
  PngSpec gray;
  gray.width = 3;
  gray.height = 1;
  gray.color_type = PNG_COLOR_TYPE_GRAY;
  gray.rows = {{0, 128, 255}};
  write_test_png(dir / "g8.png", gray);
  EXPECT_TRUE(at::equal(image::read_png(dir / "g8.png"), rgb(1, 3, {0, 0, 0, 128, 128, 128, 255, 255, 255})));

  // 16-bit: the high byte is kept (0x12ab -> 0x12).
  gray.bit_depth = 16;
  gray.rows = {{0x12, 0xab, 0x80, 0xff, 0xff, 0x00}};
  write_test_png(dir / "g16.png", gray);
  EXPECT_TRUE(
      at::equal(image::read_png(dir / "g16.png"), rgb(1, 3, {0x12, 0x12, 0x12, 0x80, 0x80, 0x80, 0xff, 0xff, 0xff})));
}

TEST(Png, ReadsPackedGrayScaledTo8Bits) {
  TempDir dir;
  PngSpec gray;
  gray.width = 8;
  gray.height = 1;
  gray.color_type = PNG_COLOR_TYPE_GRAY;
  gray.bit_depth = 1;
  gray.rows = {{0b10110000}};
  write_test_png(dir / "g1.png", gray);
  EXPECT_TRUE(
      at::equal(image::read_png(dir / "g1.png"),
                rgb(1, 8, {255, 255, 255, 0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})));
  gray.width = 2;
  gray.bit_depth = 4;
  gray.rows = {{0xf1}};  // 15 -> 255, 1 -> 17
  write_test_png(dir / "g4.png", gray);
  EXPECT_TRUE(at::equal(image::read_png(dir / "g4.png"), rgb(1, 2, {255, 255, 255, 17, 17, 17})));
}

TEST(Png, DropsAlpha) {
  TempDir dir;
  PngSpec rgba;
  rgba.width = 2;
  rgba.height = 1;
  rgba.color_type = PNG_COLOR_TYPE_RGB_ALPHA;
  rgba.rows = {{10, 20, 30, 0, 40, 50, 60, 255}};
  write_test_png(dir / "rgba.png", rgba);
  EXPECT_TRUE(at::equal(image::read_png(dir / "rgba.png"), rgb(1, 2, {10, 20, 30, 40, 50, 60})));

  PngSpec gray_alpha;
  gray_alpha.width = 2;
  gray_alpha.height = 1;
  gray_alpha.color_type = PNG_COLOR_TYPE_GRAY_ALPHA;
  gray_alpha.rows = {{7, 0, 200, 128}};
  write_test_png(dir / "ga.png", gray_alpha);
  EXPECT_TRUE(at::equal(image::read_png(dir / "ga.png"), rgb(1, 2, {7, 7, 7, 200, 200, 200})));

  PngSpec rgba16;
  rgba16.width = 1;
  rgba16.height = 1;
  rgba16.color_type = PNG_COLOR_TYPE_RGB_ALPHA;
  rgba16.bit_depth = 16;
  rgba16.rows = {{0xaa, 0x01, 0xbb, 0x02, 0xcc, 0x03, 0x00, 0x00}};
  write_test_png(dir / "rgba16.png", rgba16);
  EXPECT_TRUE(at::equal(image::read_png(dir / "rgba16.png"), rgb(1, 1, {0xaa, 0xbb, 0xcc})));
}

TEST(Png, ExpandsPalettes) {
  TempDir dir;
  PngSpec palette;
  palette.width = 3;
  palette.height = 2;
  palette.color_type = PNG_COLOR_TYPE_PALETTE;
  palette.palette = {{255, 0, 0}, {0, 255, 0}, {1, 2, 3}};
  palette.rows = {{0, 1, 2}, {2, 2, 0}};
  at::Tensor expected = rgb(2, 3, {255, 0, 0, 0, 255, 0, 1, 2, 3, 1, 2, 3, 1, 2, 3, 255, 0, 0});
  write_test_png(dir / "p8.png", palette);
  EXPECT_TRUE(at::equal(image::read_png(dir / "p8.png"), expected));

  // Transparency (tRNS) becomes alpha in libpng's expansion, then is dropped.
  palette.trns = {0, 128};
  write_test_png(dir / "p8t.png", palette);
  EXPECT_TRUE(at::equal(image::read_png(dir / "p8t.png"), expected));

  // 2-bit indices, packed.
  palette.bit_depth = 2;
  palette.trns.clear();
  palette.rows = {{0b00011000}, {0b10100000}};
  write_test_png(dir / "p2.png", palette);
  EXPECT_TRUE(at::equal(image::read_png(dir / "p2.png"), expected));
}

TEST(Png, ReadsInterlacedFiles) {
  TempDir dir;
  at::Tensor image = random_rgb(9, 11, 5);
  PngSpec spec;
  spec.width = 11;
  spec.height = 9;
  spec.interlace = PNG_INTERLACE_ADAM7;
  const uint8_t* data = image.data_ptr<uint8_t>();
  for (int y = 0; y < 9; ++y) spec.rows.emplace_back(data + y * 33, data + (y + 1) * 33);
  write_test_png(dir / "adam7.png", spec);
  EXPECT_TRUE(at::equal(image::read_png(dir / "adam7.png"), image));
}

TEST(Png, BrokenFilesAreErrorsNamingTheFile) {
  TempDir dir;
  std::string missing = dir / "missing.png";
  std::string error = read_error(missing);
  EXPECT_NE(error.find(missing), std::string::npos) << error;
  EXPECT_NE(error.find("No such file"), std::string::npos) << error;

  std::string text = dir / "text.png";
  write_bytes(text, "This is not an image, it only has a .png name.\n");
  error = read_error(text);
  EXPECT_NE(error.find(text), std::string::npos) << error;
  EXPECT_NE(error.find("not a PNG file"), std::string::npos) << error;

  std::string empty = dir / "empty.png";
  write_bytes(empty, "");
  error = read_error(empty);
  EXPECT_NE(error.find(empty), std::string::npos) << error;
  EXPECT_NE(error.find("empty"), std::string::npos) << error;

  error = read_error(dir.path().string());
  EXPECT_NE(error.find(dir.path().string()), std::string::npos) << error;
  EXPECT_NE(error.find("directory"), std::string::npos) << error;

  // A good file cut short, at several places: in the header, in the image
  // data, just before IEND.
  std::string good = dir / "good.png";
  image::write_png(good, random_rgb(32, 32, 9));
  std::string bytes = read_bytes(good);
  for (size_t keep : {size_t{12}, size_t{40}, bytes.size() / 2, bytes.size() - 12}) {
    std::string cut = dir / ("cut-" + std::to_string(keep) + ".png");
    write_bytes(cut, bytes.substr(0, keep));
    error = read_error(cut);
    EXPECT_NE(error.find(cut), std::string::npos) << keep << ": " << error;
    EXPECT_NE(error.find("truncated"), std::string::npos) << keep << ": " << error;
  }

  // One flipped byte in the image data: a CRC (or zlib) error.
  std::string corrupt = dir / "corrupt.png";
  std::string flipped = bytes;
  flipped[bytes.size() / 2] = static_cast<char>(flipped[bytes.size() / 2] ^ 0x5a);
  write_bytes(corrupt, flipped);
  error = read_error(corrupt);
  EXPECT_NE(error.find(corrupt), std::string::npos) << error;
}

TEST(Png, WriteErrorsNameTheFile) {
  TempDir dir;
  std::string nowhere = dir / "no/such/folder/x.png";
  try {
    image::write_png(nowhere, random_rgb(2, 2, 1));
    FAIL();
  } catch (const brick::Error& e) {
    EXPECT_NE(std::string(e.what()).find(nowhere), std::string::npos) << e.what();
  }
  try {
    image::write_png(dir / "gray.png", at::zeros({2, 2, 1}, at::kByte));
    FAIL();
  } catch (const brick::Error& e) {
    EXPECT_NE(std::string(e.what()).find("(H, W, 3)"), std::string::npos) << e.what();
  }
  try {
    image::write_png(dir / "float.png", at::zeros({2, 2, 3}));
    FAIL();
  } catch (const brick::Error& e) {
    EXPECT_NE(std::string(e.what()).find("uint8"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir / "gray.png"));
}

// A decompression bomb: a small file whose header claims 20000 x 20000
// pixels (1144 MiB as RGB). Refused from the header, before the 1.1 GiB are
// allocated or any image data inflated (docs/building.md, "Bad input").
TEST(Png, ADecompressionBombIsRefusedBeforeAllocating) {
  TempDir dir;
  std::string good = dir / "good.png";
  image::write_png(good, random_rgb(8, 8, 3));
  std::string bytes = read_bytes(good);
  // The IHDR chunk follows the 8-byte signature: length (4), "IHDR" (4),
  // width (4), height (4), ..., then the CRC of type and data.
  ASSERT_EQ(bytes.substr(12, 4), "IHDR");
  auto put_u32 = [&bytes](size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<char>((v >> (24 - 8 * i)) & 0xff);
  };
  put_u32(16, 20000);
  put_u32(20, 20000);
  put_u32(29, static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(bytes.data() + 12), 17)));
  std::string bomb = dir / "bomb.png";
  write_bytes(bomb, bytes);
  std::string error = read_error(bomb);
  EXPECT_NE(error.find("cannot read PNG '" + bomb +
                       "': the image is 20000x20000 pixels (1144 MiB as RGB), more than the 512 MiB an image may "
                       "decode to"),
            std::string::npos)
      << error;
}
