// SHA-256 against the test vectors of FIPS 180-4's examples (NIST CSRC).
#include "brick/batch/sha256.h"

#include <gtest/gtest.h>

#include "batch_test_support.h"

namespace brick::test {
namespace {

using batch::sha256_file;
using batch::sha256_hex;

TEST(Sha256, MatchesTheStandardsExamples) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PaddingAtEveryLengthAroundABlock) {
  // 55, 56 and 64 bytes: the length fits, spills into a second block, fills one.
  EXPECT_EQ(sha256_hex(std::string(55, 'a')), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  EXPECT_EQ(sha256_hex(std::string(56, 'a')), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  EXPECT_EQ(sha256_hex(std::string(64, 'a')), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

TEST(Sha256, PiecesHashAsTheWhole) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += std::to_string(i * 7919);
  batch::Sha256 hash;
  for (size_t at = 0, piece = 1; at < text.size(); at += piece, piece = piece * 3 % 97 + 1)
    hash.update(text.substr(at, piece));
  EXPECT_EQ(hash.hex_digest(), sha256_hex(text));
}

TEST(Sha256, OfAFile) {
  BatchDir dir;
  write_file(dir / "f", "abc");
  EXPECT_EQ(sha256_file(dir / "f"), sha256_hex("abc"));
  EXPECT_THROW(sha256_file(dir / "missing"), std::runtime_error);
}

}  // namespace
}  // namespace brick::test
