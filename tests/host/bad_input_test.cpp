// Bad input to the value layer (docs/building.md, "Bad input"): JSON too deep
// or too large, and malformed or oversized tensor literals typed on a
// command line. Each is an Error whose message says what is wrong, never a
// crash or another library's exception.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <string>

#include "brick/host/base/error.h"
#include "brick/host/value/json.h"
#include "brick/host/value/value_text.h"

using brick::host::Error;
using brick::host::Value;

namespace {

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

std::string nested(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

}  // namespace

TEST(BadJson, DocumentsNestDeeperThan32LevelsAreRefused) {
  EXPECT_NO_THROW(brick::host::parse_json_document(nested(32), "ok.json"));
  std::string message = error_of([] { brick::host::parse_json_document(nested(33), "deep.json"); });
  EXPECT_EQ(message.rfind("deep.json:1:", 0), 0u) << message;
  EXPECT_NE(message.find(": invalid JSON (nested deeper than 32 levels)"), std::string::npos) << message;
  EXPECT_NE(error_of([] { brick::host::parse_json(nested(100000)); }).find("invalid JSON"), std::string::npos);
}

TEST(BadJson, DocumentsOver64MiBAreRefusedBeforeParsing) {
  std::string big(brick::host::kMaxJsonDocumentBytes + 1, ' ');
  std::string message = error_of([&] { brick::host::parse_json_document(big, "big.json"); });
  EXPECT_NE(message.find("big.json: the document is 67108865 bytes, more than the 64 MiB a JSON document may have"),
            std::string::npos)
      << message;
}

TEST(BadTensorLiteral, AnUnterminatedLiteralIsAnErrorNotText) {
  // `brick run ... x=tensor([1,2`: the shell ate nothing, the user forgot ')'.
  auto [name, text] = brick::host::split_assignment("x=tensor([1,2");
  std::string message = error_of([&] { brick::host::parse_value_text(text, "Tensor", name); });
  EXPECT_NE(message.find("input 'x': unterminated tensor literal 'tensor([1,2' (expected tensor(<list>[, dtype]))"),
            std::string::npos)
      << message;
  // Whatever the declared type: even a str input does not take it as text.
  EXPECT_NE(error_of([] { brick::host::parse_value_text("tensor(", "str", "prompt"); }).find("unterminated"),
            std::string::npos);
}

TEST(BadTensorLiteral, RaggedLiteralsAreErrorsNamingTheInput) {
  // [1, [2, 3]] once passed the row check and failed inside LibTorch's
  // reshape with a c10::Error.
  for (const char* text : {"tensor([1, [2, 3]])", "tensor([[1], 2])", "tensor([1, [2]])", "tensor([[1, 2], [3]])"}) {
    std::string message = error_of([&] { brick::host::parse_value_text(text, "Tensor", "x"); });
    EXPECT_EQ(message.rfind("input 'x': tensor(...) ", 0), 0u) << text << ": " << message;
  }
  Value ok = brick::host::parse_value_text("tensor([[1, 2], [3, 4]])", "Tensor");
  EXPECT_TRUE(ok.as_tensor().equal(at::tensor({1, 2, 3, 4}, at::kLong).reshape({2, 2})));
  EXPECT_EQ(brick::host::parse_value_text("tensor([[], []])").as_tensor().sizes(), at::IntArrayRef({2, 0}));
}

TEST(BadTensorLiteral, LiteralsOfMoreThan2To20ElementsAreRefused) {
  auto literal = [](size_t n) {
    std::string text = "tensor([";
    for (size_t i = 0; i < n; ++i) text += i ? ",0" : "0";
    return text + "])";
  };
  EXPECT_EQ(brick::host::parse_value_text(literal(size_t{1} << 20)).as_tensor().numel(), int64_t{1} << 20);
  std::string message = error_of([&] { brick::host::parse_value_text(literal((size_t{1} << 20) + 1), "", "x"); });
  EXPECT_NE(message.find("input 'x': tensor(...) has more than 1048576 elements"), std::string::npos) << message;
}
