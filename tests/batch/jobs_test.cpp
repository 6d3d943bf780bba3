// JOBS.jsonl: ids, inputs, and every malformed line named by its number.
#include "brick/batch/jobs.h"

#include <gtest/gtest.h>

namespace brick::test {
namespace {

using batch::parse_jobs;

TEST(Jobs, EachLineIsAJobNamedByItsIdOrItsLineNumber) {
  batch::JobList list = parse_jobs(
      "{\"id\": \"cat-1\", \"prompt\": \"a red circle\", \"seed\": 3}\n"
      "\n"
      "{\"prompt\": \"a blue square\"}\n"
      "{\"id\": 17, \"seed\": 1}");
  ASSERT_TRUE(list.errors.empty());
  ASSERT_EQ(list.jobs.size(), 3u);
  EXPECT_EQ(list.jobs[0].id, "cat-1");
  EXPECT_EQ(list.jobs[0].line, 1);
  ASSERT_EQ(list.jobs[0].inputs.size(), 2u);  // id is not an input
  EXPECT_EQ(list.jobs[0].inputs[0].first, "prompt");
  EXPECT_EQ(list.jobs[0].inputs[1].second.as_int(), 3);
  EXPECT_EQ(list.jobs[1].id, "3");  // the blank line counts
  EXPECT_EQ(list.jobs[1].line, 3);
  EXPECT_EQ(list.jobs[2].id, "17");
}

TEST(Jobs, EveryMalformedLineIsReportedWithItsNumber) {
  batch::JobList list = parse_jobs(
      "{\"id\": \"a\"}\n"
      "{\"id\": \"a\"}\n"
      "{\"prompt\": \n"
      "[1, 2]\n"
      "{\"id\": \"../etc\"}\n"
      "{\"id\": 1.5}\n"
      "{\"output\": \"x.png\"}\n"
      "{\"id\": \".hidden\"}\n"
      "{\"seed\": 4}\r\n");
  ASSERT_EQ(list.errors.size(), 7u);
  EXPECT_EQ(list.errors[0].line, 2);
  EXPECT_EQ(list.errors[0].message, "id 'a' is already the id of line 1");
  EXPECT_EQ(list.errors[1].line, 3);
  EXPECT_NE(list.errors[1].message.find("invalid JSON"), std::string::npos) << list.errors[1].message;
  EXPECT_EQ(list.errors[2].line, 4);
  EXPECT_EQ(list.errors[2].message, "expected a JSON object of the job's inputs, got list");
  EXPECT_EQ(list.errors[3].line, 5);
  EXPECT_NE(list.errors[3].message.find("cannot name a file"), std::string::npos);
  EXPECT_EQ(list.errors[4].message, "id: expected text or an integer, got float");
  EXPECT_EQ(list.errors[5].line, 7);
  EXPECT_NE(list.errors[5].message.find("output"), std::string::npos);
  EXPECT_EQ(list.errors[6].line, 8);
  // The good lines are still read (line 9 despite its \r).
  ASSERT_EQ(list.jobs.size(), 2u);
  EXPECT_EQ(list.jobs[1].id, "9");
  EXPECT_EQ(batch::format_job_errors("jobs.jsonl", {list.errors[0]}),
            "jobs.jsonl:2: id 'a' is already the id of line 1\n");
}

TEST(Jobs, IdsAreFileNames) {
  EXPECT_TRUE(batch::is_job_id("cat-1"));
  EXPECT_TRUE(batch::is_job_id("A.b_c-9"));
  EXPECT_FALSE(batch::is_job_id(""));
  EXPECT_FALSE(batch::is_job_id(".."));
  EXPECT_FALSE(batch::is_job_id("a/b"));
  EXPECT_FALSE(batch::is_job_id("a b"));
  EXPECT_FALSE(batch::is_job_id(std::string(129, 'a')));
}

TEST(Jobs, UnknownInputsAreNamedWithTheClosestKnownOne) {
  batch::JobList list = parse_jobs("{\"prompt\": \"x\"}\n{\"promt\": \"x\", \"seed\": 1}\n");
  std::vector<batch::JobLineError> errors = batch::check_job_inputs(list.jobs, {"prompt", "seed", "output"});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line, 2);
  EXPECT_EQ(errors[0].message, "unknown input 'promt' (did you mean 'prompt'?)");
}

}  // namespace
}  // namespace brick::test
