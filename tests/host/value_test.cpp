#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "brick/host/base/error.h"
#include "brick/host/value/value.h"

using brick::host::Error;
using brick::host::Value;

TEST(Value, KindsAndAccessors) {
  EXPECT_TRUE(Value().is_none());
  EXPECT_EQ(Value(true).as_bool(), true);
  EXPECT_EQ(Value(7).as_int(), 7);
  EXPECT_DOUBLE_EQ(Value(2.5).as_float(), 2.5);
  EXPECT_DOUBLE_EQ(Value(3).as_float(), 3.0);  // ints read as floats, as in Python arithmetic
  EXPECT_EQ(Value("text").as_string(), "text");
  EXPECT_EQ(Value::list({1, 2}).as_list().size(), 2u);
  EXPECT_EQ(Value::dict({{"a", 1}}).find("a")->as_int(), 1);
  EXPECT_EQ(Value::dict({{"a", 1}}).find("b"), nullptr);
  EXPECT_STREQ(Value("x").kind_name(), "str");
  EXPECT_STREQ(Value().kind_name(), "NoneType");
}

TEST(Value, WrongKindNamesBoth) {
  try {
    Value("five").as_int();
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), BRICK_ERR_TYPE_MISMATCH);
    EXPECT_STREQ(e.what(), "expected int, got str");
  }
  EXPECT_THROW(Value(1).as_string(), Error);
  EXPECT_THROW(Value(1.5).as_int(), Error);
}

TEST(Value, PythonReprOfScalars) {
  EXPECT_EQ(Value().repr(), "None");
  EXPECT_EQ(Value(true).repr(), "True");
  EXPECT_EQ(Value(false).repr(), "False");
  EXPECT_EQ(Value(-42).repr(), "-42");
  EXPECT_EQ(Value(1.0).repr(), "1.0");
  EXPECT_EQ(Value(0.0).repr(), "0.0");
  EXPECT_EQ(Value(-0.0).repr(), "-0.0");
  EXPECT_EQ(Value(0.1).repr(), "0.1");
  EXPECT_EQ(Value(0.3).repr(), "0.3");
  EXPECT_EQ(Value(0.9999).repr(), "0.9999");
  EXPECT_EQ(Value(7.5).repr(), "7.5");
  EXPECT_EQ(Value(100.0).repr(), "100.0");
  EXPECT_EQ(Value(12345.678).repr(), "12345.678");
  EXPECT_EQ(Value(0.0001).repr(), "0.0001");
  EXPECT_EQ(Value(0.00001).repr(), "1e-05");
  EXPECT_EQ(Value(1.5e-7).repr(), "1.5e-07");
  EXPECT_EQ(Value(1e15).repr(), "1000000000000000.0");
  EXPECT_EQ(Value(1e16).repr(), "1e+16");
  EXPECT_EQ(Value(1.25e100).repr(), "1.25e+100");
  EXPECT_EQ(Value(0.18215).repr(), "0.18215");
  EXPECT_EQ(Value(1.0 / 3).repr(), "0.3333333333333333");
  EXPECT_EQ(Value(std::numeric_limits<double>::infinity()).repr(), "inf");
  EXPECT_EQ(Value(-std::numeric_limits<double>::infinity()).repr(), "-inf");
  EXPECT_EQ(Value(std::nan("")).repr(), "nan");
}

TEST(Value, PythonReprOfStrings) {
  EXPECT_EQ(Value("pil").repr(), "'pil'");
  EXPECT_EQ(Value("it's").repr(), "\"it's\"");
  EXPECT_EQ(Value("say \"hi\"").repr(), "'say \"hi\"'");
  EXPECT_EQ(Value("both ' and \"").repr(), "'both \\' and \"'");
  EXPECT_EQ(Value("a\nb\\c\t").repr(), "'a\\nb\\\\c\\t'");
  EXPECT_EQ(Value("caf\xc3\xa9").repr(), "'caf\xc3\xa9'");
  EXPECT_EQ(Value("pil").str(), "pil");
  EXPECT_EQ(Value(0.5).str(), "0.5");
}

TEST(Value, PythonReprOfContainers) {
  EXPECT_EQ(Value::list({}).repr(), "[]");
  EXPECT_EQ(Value::list({1, "a", Value(), 2.0}).repr(), "[1, 'a', None, 2.0]");
  EXPECT_EQ(Value::dict({}).repr(), "{}");
  EXPECT_EQ(Value::dict({{"b", 1}, {"a", Value::list({true})}}).repr(), "{'b': 1, 'a': [True]}");
}

TEST(Value, TensorSummary) {
  Value t(at::zeros({1, 77, 768}));
  EXPECT_EQ(t.repr(), "Tensor(dtype=torch.float32, shape=torch.Size([1, 77, 768]))");
  EXPECT_EQ(Value(at::zeros({}, at::kLong)).repr(), "Tensor(dtype=torch.int64, shape=torch.Size([]))");
  EXPECT_EQ(Value(at::zeros({2}, at::kHalf)).repr(), "Tensor(dtype=torch.float16, shape=torch.Size([2]))");
  EXPECT_EQ(Value(at::zeros({2}, at::kBFloat16)).repr(), "Tensor(dtype=torch.bfloat16, shape=torch.Size([2]))");
  EXPECT_EQ(Value(at::zeros({2}, at::kByte)).repr(), "Tensor(dtype=torch.uint8, shape=torch.Size([2]))");
  EXPECT_TRUE(Value(at::Tensor()).is_none());
}

TEST(Value, IdentityIsPythonIs) {
  Value s("abc");
  Value copy = s;
  EXPECT_TRUE(copy.is(s));
  EXPECT_FALSE(Value("abc").is(s));  // equal, but another object
  EXPECT_TRUE(Value("abc") == s);
  EXPECT_TRUE(Value(5).is(Value(5)));
  EXPECT_FALSE(Value(5).is(Value(5.0)));
  EXPECT_TRUE(Value().is(Value()));

  at::Tensor t = at::ones({2});
  Value a(t), b(t), c(at::ones({2}));
  EXPECT_TRUE(a.is(b));  // the same TensorImpl
  EXPECT_FALSE(a.is(c));
  EXPECT_EQ(a.as_tensor().data_ptr(), t.data_ptr());
}

TEST(Value, EqualityFollowsPython) {
  EXPECT_TRUE(Value(1) == Value(1.0));
  EXPECT_TRUE(Value(true) == Value(1));
  EXPECT_FALSE(Value(1) == Value("1"));
  EXPECT_TRUE(Value::dict({{"a", 1}, {"b", 2}}) == Value::dict({{"b", 2}, {"a", 1}}));
  EXPECT_FALSE(Value::list({1, 2}) == Value::list({2, 1}));
}

TEST(Value, TensorReferencesAreCounted) {
  at::Tensor t = at::ones({3});
  auto before = t.use_count();
  {
    Value a(t);
    Value b = a;
    Value c = std::move(b);
    EXPECT_EQ(t.use_count(), before + 2);
    EXPECT_TRUE(b.is_none());
  }
  EXPECT_EQ(t.use_count(), before);
  void* impl = Value(t).new_tensor_reference();
  EXPECT_EQ(t.use_count(), before + 1);
  { Value adopted = Value::adopt_tensor_impl(impl); }
  EXPECT_EQ(t.use_count(), before);
}

TEST(Value, DeepCopyClonesTensorsAndKeepsImmutables) {
  at::Tensor t = at::ones({2});
  Value s("shared");
  Value v = Value::dict({{"t", Value(t)}, {"items", Value::list({Value(t), s})}});
  Value copy = v.deep_copy();
  EXPECT_NE(copy.find("t")->as_tensor().data_ptr(), t.data_ptr());
  EXPECT_TRUE(copy.find("t")->as_tensor().equal(t));
  EXPECT_TRUE(copy.find("items")->as_list()[1].is(s));
}

TEST(Value, OnlyUnsharedContainersGrow) {
  Value list = Value::list({});
  ASSERT_NE(list.mutable_list(), nullptr);
  list.mutable_list()->push_back(1);
  Value shared = list;
  EXPECT_EQ(list.mutable_list(), nullptr);
  EXPECT_EQ(Value(1).mutable_list(), nullptr);
  EXPECT_EQ(shared.as_list().size(), 1u);
}
