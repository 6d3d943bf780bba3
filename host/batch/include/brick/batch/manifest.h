// DIR/manifest.jsonl: one JSON line per finished job, written by one writer
// (rank 0), each line appended whole with one write(2), so that a killed
// batch leaves at most a torn last line, which readers ignore:
//
//   {"id": "cat-1", "inputs": {...}, "outputs": [{"file": "cat-1.png", "sha256": "..."}],
//    "seconds": 0.031, "rank": 1, "host": "node7"}
//
// A failed job has "error" instead of "outputs". The fields that depend on
// where and when a job ran (seconds, rank, host) come last, so a line without
// them is the same whatever the number of processes.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "brick/host/value/value.h"

namespace brick::batch {

struct OutputFile {
  std::string file;  // a name in the output folder
  std::string sha256;
};

struct ManifestRecord {
  std::string id;
  host::Value inputs;  // a dict: the job's inputs with the command line's defaults
  std::vector<OutputFile> outputs;
  std::string error;  // not empty: the job failed
  double seconds = 0;
  int rank = 0;
  std::string host;

  bool ok() const { return error.empty(); }
};

// One line of JSON, without the newline.
std::string to_json_line(const ManifestRecord& record);
// Throws brick::host::Error(BRICK_ERR_INVALID_ARGUMENT) for a line that is
// not a record.
ManifestRecord parse_manifest_line(std::string_view line);

struct Manifest {
  std::map<std::string, ManifestRecord> records;  // by id: the last line wins
  int unreadable_lines = 0;                       // torn or foreign lines, skipped
};
// An absent file is an empty manifest.
Manifest read_manifest(const std::filesystem::path& path);

// Whether `record` says its job is done in `dir` with these inputs: not
// failed, the same inputs (as JSON), and every file present with its hash.
// `why` (optional) says what differs.
bool is_done(const ManifestRecord& record, const host::Value& inputs, const std::filesystem::path& dir,
             std::string* why = nullptr);

// Appends lines to a manifest, one write(2) each (no buffering in the
// process: a line handed to append is in the file when append returns).
class ManifestWriter {
 public:
  // Opens `path` for appending, creating it.
  explicit ManifestWriter(const std::filesystem::path& path);
  ~ManifestWriter();
  ManifestWriter(const ManifestWriter&) = delete;
  ManifestWriter& operator=(const ManifestWriter&) = delete;

  void append(const ManifestRecord& record);

 private:
  int fd_ = -1;
  std::filesystem::path path_;
};

// Replaces `path` by a manifest of `records` only (written to a temporary
// name, then renamed): --resume keeps the records of the jobs done and drops
// failures, torn lines and stale records.
void rewrite_manifest(const std::filesystem::path& path, const std::vector<ManifestRecord>& records);

}  // namespace brick::batch
