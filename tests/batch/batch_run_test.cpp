// run_batch in this process (no launcher) on the shipped shapes pipeline,
// through the real loader: what a custom host gets from Brick::batch.
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

#include "batch_test_support.h"
#include "brick/batch/batch.h"
#include "brick/batch/job_runner.h"
#include "brick/batch/sha256.h"

namespace brick::test {
namespace {

const std::string kPipeline = std::string(BRICK_SOURCE_DIR) + "/pipelines/text2image.json";

class BatchRun : public ::testing::Test {
 protected:
  void SetUp() override { setenv("BRICK_REGISTRY_CACHE", (dir_ / "cache/").c_str(), 1); }

  batch::BatchOptions options(const std::string& jobs_text) {
    write_file(dir_ / "jobs.jsonl", jobs_text);
    batch::BatchOptions o;
    o.runner.pipeline = kPipeline;
    o.runner.out_dir = dir_ / "out";
    o.runner.defaults = {"num_inference_steps=2"};
    o.jobs_file = dir_ / "jobs.jsonl";
    o.quiet = true;
    return o;
  }

  BatchDir dir_;
};

TEST_F(BatchRun, EveryJobWritesItsFileAndAManifestLine) {
  std::ostringstream err;
  batch::BatchOptions o = options("{\"id\": \"red\", \"prompt\": \"a red circle\", \"seed\": 1}\n{\"seed\": 2}\n");
  ASSERT_EQ(batch::run_batch(o, err), 0) << err.str();
  batch::Manifest m = batch::read_manifest(dir_ / "out" / "manifest.jsonl");
  ASSERT_EQ(m.records.size(), 2u);
  const batch::ManifestRecord& red = m.records.at("red");
  ASSERT_EQ(red.outputs.size(), 1u);
  EXPECT_EQ(red.outputs[0].file, "red.png");
  EXPECT_EQ(red.outputs[0].sha256, batch::sha256_file(dir_ / "out" / "red.png"));
  EXPECT_EQ(red.rank, 0);
  // The recorded inputs: the job's, then the defaults it does not set.
  EXPECT_EQ(red.inputs.find("num_inference_steps")->as_int(), 2);
  EXPECT_EQ(m.records.at("2").outputs[0].file, "2.png");
  EXPECT_FALSE(fs::exists(dir_ / "out" / ".partial"));

  // Without --resume an existing manifest is not overwritten.
  EXPECT_EQ(batch::run_batch(o, err), 2);
  // With it, nothing is left to do; a removed file is made again, the same.
  std::string before = read_file(dir_ / "out" / "red.png");
  fs::remove(dir_ / "out" / "red.png");
  o.resume = true;
  o.quiet = false;
  std::ostringstream resumed;
  ASSERT_EQ(batch::run_batch(o, resumed), 0) << resumed.str();
  EXPECT_NE(resumed.str().find("1 already done, 1 to run"), std::string::npos) << resumed.str();
  EXPECT_EQ(read_file(dir_ / "out" / "red.png"), before);
}

TEST_F(BatchRun, AFailedJobIsRecordedAndTheOthersRun) {
  std::ostringstream err;
  batch::BatchOptions o = options("{\"seed\": 1}\n{\"id\": \"bad\", \"num_inference_steps\": 0}\n{\"seed\": 3}\n");
  EXPECT_EQ(batch::run_batch(o, err), batch::exit_status_for_failures(1));
  batch::Manifest m = batch::read_manifest(dir_ / "out" / "manifest.jsonl");
  ASSERT_EQ(m.records.size(), 3u);
  EXPECT_NE(m.records.at("bad").error.find("num_inference_steps must be at least 1"), std::string::npos)
      << m.records.at("bad").error;
  EXPECT_TRUE(m.records.at("3").ok());
  EXPECT_FALSE(fs::exists(dir_ / "out" / "bad.png"));
  EXPECT_NE(err.str().find("1 of 3 jobs failed"), std::string::npos) << err.str();
}

TEST_F(BatchRun, FailFastStopsHandingOutJobs) {
  std::ostringstream err;
  batch::BatchOptions o = options("{\"id\": \"bad\", \"num_inference_steps\": 0}\n{\"seed\": 2}\n{\"seed\": 3}\n");
  o.fail_fast = true;
  EXPECT_EQ(batch::run_batch(o, err), 101);
  EXPECT_EQ(batch::read_manifest(dir_ / "out" / "manifest.jsonl").records.size(), 1u);
  EXPECT_NE(err.str().find("--fail-fast: 2 jobs were not run"), std::string::npos) << err.str();
}

TEST_F(BatchRun, MalformedLinesAndUnknownInputsStopTheBatchBeforeAnyJob) {
  std::ostringstream err;
  EXPECT_EQ(batch::run_batch(options("{\"seed\": 1}\n{\"seed\": \n"), err), 2);
  EXPECT_NE(err.str().find("jobs.jsonl:2: invalid JSON"), std::string::npos) << err.str();
  std::ostringstream unknown;
  EXPECT_EQ(batch::run_batch(options("{\"seed\": 1}\n{\"sed\": 1}\n"), unknown), 2);
  EXPECT_NE(unknown.str().find("jobs.jsonl:2: unknown input 'sed' (did you mean 'seed'?)"), std::string::npos)
      << unknown.str();
  EXPECT_FALSE(fs::exists(dir_ / "out" / "manifest.jsonl"));
  std::ostringstream bad_default;
  batch::BatchOptions o = options("{\"seed\": 1}\n");
  o.runner.defaults = {"steps=2"};
  EXPECT_EQ(batch::run_batch(o, bad_default), 2);
  EXPECT_NE(bad_default.str().find("unknown input 'steps'"), std::string::npos) << bad_default.str();
}

TEST(BatchExitStatus, CountsTheFailures) {
  EXPECT_EQ(batch::exit_status_for_failures(0), 0);
  EXPECT_EQ(batch::exit_status_for_failures(1), 101);
  EXPECT_EQ(batch::exit_status_for_failures(7), 107);
  EXPECT_EQ(batch::exit_status_for_failures(1000), 200);
}

}  // namespace
}  // namespace brick::test
