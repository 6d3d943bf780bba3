// Hostile safetensors files (docs/building.md, "Bad input"): a header length
// beyond the limit, offsets past the end or not integers, and shapes whose
// byte size overflows. Each is an Error naming the file, never a crash or
// another exception.
#include <gtest/gtest.h>

#include "brick/host/base/error.h"
#include "brick/host/components/safetensors.h"
#include "component_test_support.h"

using namespace brick::host;
using namespace brick::test;

namespace {

std::string error_of(const fs::path& path) {
  try {
    read_safetensors(path);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

class SafetensorsLimits : public ::testing::Test {
 protected:
  void expect_error(const std::string& name, const std::string& bytes, const std::string& why) {
    write_file(dir_ / name, bytes);
    std::string message = error_of(dir_ / name);
    EXPECT_NE(message.find(name), std::string::npos) << message;
    EXPECT_NE(message.find(why), std::string::npos) << message;
  }
  TempDir dir_;
};

}  // namespace

TEST_F(SafetensorsLimits, AHeaderLengthOverTheLimitIsRefusedBeforeReading) {
  // The length field alone claims 100 MB + 1; the file is 9 bytes.
  std::string bytes = safetensors_bytes("{", "");
  std::string length;
  uint64_t n = kMaxSafetensorsHeaderBytes + 1;
  for (int i = 0; i < 8; ++i, n >>= 8) length += static_cast<char>(n & 0xff);
  expect_error("huge_header.safetensors", length + "{",
               "header length 100000001 is more than the 100000000 bytes a safetensors header may have");
}

TEST_F(SafetensorsLimits, OffsetsPastTheEndAreRefused) {
  expect_error("past_end.safetensors",
               safetensors_bytes(R"({"w":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}})", "1234"),
               "data_offsets [2, 6] lie outside the 4 data bytes");
  expect_error("backwards.safetensors",
               safetensors_bytes(R"({"w":{"dtype":"U8","shape":[0],"data_offsets":[3,1]}})", "1234"),
               "data_offsets [3, 1] lie outside");
}

TEST_F(SafetensorsLimits, OffsetsMustBeNonNegativeIntegers) {
  // Boost.JSON's to_number threw its own exception for these.
  for (const char* offsets : {"[0.5, 4]", "[-1, 3]", "[0, 1e300]", "[\"0\", 4]"}) {
    expect_error(
        "offsets.safetensors",
        safetensors_bytes(std::string(R"({"w":{"dtype":"U8","shape":[4],"data_offsets":)") + offsets + "}}", "1234"),
        "data_offsets that are not non-negative integers");
  }
}

TEST_F(SafetensorsLimits, AShapeWhoseSizeOverflowsIsRefused) {
  // 2^32 * 2^32 elements wrapped to 0 and matched an empty data range; the
  // reader then asked LibTorch for an impossible tensor.
  expect_error("overflow.safetensors",
               safetensors_bytes(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}})", ""),
               "tensor 'w' has a shape too large for any file");
  expect_error("overflow_by_item.safetensors",
               safetensors_bytes(R"({"w":{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,0]}})", ""),
               "tensor 'w' has a shape too large for any file");
}
