// The manifest: its lines, a torn last line, what counts as done, rewriting.
#include "brick/batch/manifest.h"

#include <gtest/gtest.h>

#include "batch_test_support.h"
#include "brick/batch/sha256.h"
#include "brick/host/base/error.h"
#include "brick/host/value/json.h"

namespace brick::test {
namespace {

using batch::ManifestRecord;

ManifestRecord done_record(const std::string& id, const std::string& file, const std::string& content) {
  ManifestRecord r;
  r.id = id;
  r.inputs = host::Value::dict({{"prompt", "a red circle"}, {"seed", 3}, {"guidance_scale", 5.0}});
  r.outputs = {{file, batch::sha256_hex(content)}};
  r.seconds = 0.03125;
  r.rank = 2;
  r.host = "node7";
  return r;
}

TEST(Manifest, ALineListsTheJobThenWhereAndWhenItRan) {
  ManifestRecord r = done_record("cat-1", "cat-1.png", "png");
  std::string line = batch::to_json_line(r);
  EXPECT_EQ(line.find("{\"id\": \"cat-1\", \"inputs\": {\"prompt\": \"a red circle\", \"seed\": 3, "), 0u) << line;
  EXPECT_NE(line.find("\"outputs\": [{\"file\": \"cat-1.png\", \"sha256\": \"" + batch::sha256_hex("png") + "\"}]"),
            std::string::npos)
      << line;
  // What depends on the run comes last, in this order: a sed cuts it off.
  size_t outputs = line.find("\"outputs\"");
  size_t seconds = line.find(", \"seconds\": 0.031");
  size_t rank = line.find("\"rank\": 2");
  size_t host = line.find("\"host\": \"node7\"}");
  EXPECT_LT(outputs, seconds);
  EXPECT_LT(seconds, rank);
  EXPECT_LT(rank, host);
  EXPECT_NE(host, std::string::npos) << line;
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(Manifest, LinesReadBack) {
  ManifestRecord r = done_record("cat-1", "cat-1.png", "png");
  ManifestRecord back = batch::parse_manifest_line(batch::to_json_line(r));
  EXPECT_EQ(back.id, "cat-1");
  EXPECT_EQ(host::to_json(back.inputs), host::to_json(r.inputs));
  ASSERT_EQ(back.outputs.size(), 1u);
  EXPECT_EQ(back.outputs[0].sha256, r.outputs[0].sha256);
  EXPECT_EQ(back.rank, 2);
  EXPECT_EQ(back.host, "node7");
  EXPECT_TRUE(back.ok());

  ManifestRecord failed = r;
  failed.outputs.clear();
  failed.error = "Error in block 'core.SetTimestepsStep': no";
  std::string line = batch::to_json_line(failed);
  EXPECT_EQ(line.find("outputs"), std::string::npos);
  EXPECT_EQ(batch::parse_manifest_line(line).error, failed.error);
  EXPECT_THROW(batch::parse_manifest_line("[1]"), host::Error);
  EXPECT_THROW(batch::parse_manifest_line("{\"id\": \"a\"}"), host::Error);
}

TEST(Manifest, TheLastLineOfAnIdWinsAndATornLineIsSkipped) {
  BatchDir dir;
  ManifestRecord first = done_record("a", "a.png", "1");
  ManifestRecord again = done_record("a", "a.png", "2");
  ManifestRecord b = done_record("b", "b.png", "3");
  write_file(dir / "manifest.jsonl", batch::to_json_line(first) + "\n" + "garbage\n" + batch::to_json_line(again) +
                                         "\n" + batch::to_json_line(b).substr(0, 40));
  batch::Manifest m = batch::read_manifest(dir / "manifest.jsonl");
  ASSERT_EQ(m.records.size(), 1u);
  EXPECT_EQ(m.records.at("a").outputs[0].sha256, batch::sha256_hex("2"));
  EXPECT_EQ(m.unreadable_lines, 2);
  EXPECT_TRUE(batch::read_manifest(dir / "absent.jsonl").records.empty());
}

TEST(Manifest, DoneMeansSucceededWithTheSameInputsAndEveryFileIntact) {
  BatchDir dir;
  ManifestRecord r = done_record("a", "a.png", "pixels");
  std::string why;
  EXPECT_FALSE(batch::is_done(r, r.inputs, dir.path(), &why));
  EXPECT_EQ(why, "a.png is missing");
  write_file(dir / "a.png", "pixels");
  EXPECT_TRUE(batch::is_done(r, r.inputs, dir.path(), &why));
  // Parsed back from its line, the inputs are still the same.
  EXPECT_TRUE(batch::is_done(batch::parse_manifest_line(batch::to_json_line(r)), r.inputs, dir.path()));
  EXPECT_FALSE(batch::is_done(r, host::Value::dict({{"seed", 4}}), dir.path(), &why));
  EXPECT_EQ(why, "its inputs changed");
  write_file(dir / "a.png", "pixelz");
  EXPECT_FALSE(batch::is_done(r, r.inputs, dir.path(), &why));
  EXPECT_EQ(why, "a.png has changed (SHA-256 differs)");
  ManifestRecord failed = r;
  failed.error = "boom";
  EXPECT_FALSE(batch::is_done(failed, r.inputs, dir.path(), &why));
}

TEST(Manifest, TheWriterAppendsWholeLinesAndRewritingKeepsOnlyWhatIsGiven) {
  BatchDir dir;
  fs::path path = dir / "manifest.jsonl";
  {
    batch::ManifestWriter writer(path);
    writer.append(done_record("a", "a.png", "1"));
    // In the file as soon as append returns, before the writer closes.
    EXPECT_EQ(batch::read_manifest(path).records.size(), 1u);
    writer.append(done_record("b", "b.png", "2"));
  }
  {
    batch::ManifestWriter writer(path);  // appends to what is there
    writer.append(done_record("c", "c.png", "3"));
  }
  EXPECT_EQ(batch::read_manifest(path).records.size(), 3u);
  batch::rewrite_manifest(path, {done_record("b", "b.png", "2")});
  batch::Manifest m = batch::read_manifest(path);
  ASSERT_EQ(m.records.size(), 1u);
  EXPECT_TRUE(m.records.count("b"));
  EXPECT_FALSE(fs::exists(dir / "manifest.jsonl.tmp"));
}

}  // namespace
}  // namespace brick::test
