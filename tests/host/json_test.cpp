#include <gtest/gtest.h>

#include <cmath>

#include "brick/host/base/error.h"
#include "brick/host/value/json.h"

using brick::host::Error;
using brick::host::parse_json;
using brick::host::to_json;
using brick::host::Value;

TEST(Json, ParsesEveryKind) {
  Value v = parse_json(R"({"z": 1, "a": [true, null, 2.5, "s"], "n": -3, "f": 1.0, "e": 1e-5})");
  const auto& d = v.as_dict();
  ASSERT_EQ(d.size(), 5u);
  EXPECT_EQ(d[0].first, "z");  // key order kept
  EXPECT_EQ(d[0].second.kind(), Value::Kind::Int);
  EXPECT_EQ(d[1].second.repr(), "[True, None, 2.5, 's']");
  EXPECT_EQ(v.find("n")->as_int(), -3);
  EXPECT_EQ(v.find("f")->kind(), Value::Kind::Float);  // 1.0 stays a float
  EXPECT_EQ(v.find("e")->repr(), "1e-05");
}

TEST(Json, WritesPythonJsonDumpsLayout) {
  Value v = Value::dict({{"b", 1}, {"a", Value::list({0.5, Value(), true, "q\"uote"})}, {"f", 2.0}});
  EXPECT_EQ(to_json(v), R"({"b": 1, "a": [0.5, null, true, "q\"uote"], "f": 2.0})");
  EXPECT_EQ(parse_json(to_json(v)), v);
}

TEST(Json, RejectsMalformedTextWithReason) {
  try {
    parse_json("{not json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), BRICK_ERR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(e.what()).find("{not json"), std::string::npos);
  }
}

TEST(Json, RefusesWhatJsonCannotHold) { EXPECT_THROW(to_json(Value(std::nan(""))), Error); }
