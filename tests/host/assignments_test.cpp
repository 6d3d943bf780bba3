// apply_assignments: NAME=VALUE read the way brick run and brick batch read
// it, values by their input's declared type, unknown names refused with the
// name meant.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "brick/host/base/error.h"
#include "brick/host/pipeline/assignments.h"
#include "test_support.h"

using brick::host::apply_assignments;
using brick::host::AssignmentOptions;
using brick::host::Value;

namespace {

brick::host::ModularPipeline add_pipeline() {
  return brick::test::test_host().create_block("test_blocks.Add")->init_pipeline();
}

std::string error_of(brick::host::ModularPipeline& pipe, const std::vector<std::string>& assignments,
                     const AssignmentOptions& options = {}) {
  try {
    apply_assignments(pipe, assignments, options);
  } catch (const brick::host::Error& e) {
    EXPECT_EQ(e.status(), BRICK_ERR_INVALID_ARGUMENT) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

}  // namespace

TEST(Assignments, ValuesAreReadByTheirInputsType) {
  auto pipe = add_pipeline();
  brick::host::Kwargs given = apply_assignments(pipe, {"alpha=0.5", "a=tensor([1.0, 2.0])", "b=tensor([2.0, 2.0])"});
  ASSERT_EQ(given.size(), 3u);
  EXPECT_EQ(given[0].first, "alpha");
  EXPECT_EQ(given[0].second.as_float(), 0.5);
  EXPECT_TRUE(given[1].second.is_tensor());
  EXPECT_TRUE(pipe.output(given, "out").as_tensor().equal(at::tensor({2.0f, 3.0f})));
}

TEST(Assignments, AnUnknownNameIsRefusedWithTheNameMeantAndWhatThereIs) {
  auto pipe = add_pipeline();
  AssignmentOptions options;
  options.what_for = "test_blocks.Add";
  std::string message = error_of(pipe, {"alpa=2"}, options);
  EXPECT_EQ(message,
            "unknown input 'alpa' (did you mean 'alpha'?) for test_blocks.Add; its inputs: a, b, alpha; its "
            "components: none");
  options.allow_unknown = true;
  brick::host::Kwargs given = apply_assignments(pipe, {"alpa=[1, 2]"}, options);
  ASSERT_EQ(given.size(), 1u);
  EXPECT_EQ(given[0].second.kind(), Value::Kind::List);  // no declared type: JSON
}

TEST(Assignments, MalformedTextAndAValueOfTheWrongTypeNameTheInput) {
  auto pipe = add_pipeline();
  EXPECT_NE(error_of(pipe, {"=2"}).find("=2"), std::string::npos);
  std::string message = error_of(pipe, {"alpha=fast"});
  EXPECT_NE(message.find("alpha"), std::string::npos) << message;
  EXPECT_NE(message.find("fast"), std::string::npos) << message;
}
