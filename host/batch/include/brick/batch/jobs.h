// JOBS.jsonl: one job per line, a JSON object of the job's inputs:
//
//   {"id": "cat-1", "prompt": "a red circle", "seed": 3}
//
// `id` (text or an integer) names the job and its files; it defaults to the
// line number. Every error names its line, so a malformed file is reported
// whole before any job runs.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "brick/host/value/value.h"

namespace brick::batch {

struct Job {
  std::string id;
  int line = 0;         // 1-based line of JOBS.jsonl
  host::Kwargs inputs;  // the line's values without `id`, in the line's order
};

struct JobLineError {
  int line = 0;
  std::string message;
};

struct JobList {
  std::vector<Job> jobs;
  std::vector<JobLineError> errors;  // empty when every line is a job
};

// Blank lines are skipped (they still count). An error for: text that is not
// JSON, JSON that is not an object, an id that is neither text nor an
// integer or unfit for a file name (is_job_id), an id used twice (naming the
// other line), an `output` input (brick batch names the files after the id).
JobList parse_jobs(std::string_view text);
// parse_jobs of a file's text; throws std::runtime_error when it cannot be read.
JobList read_jobs(const std::filesystem::path& path);

// An id names files: 1 to 128 characters of A-Z a-z 0-9 . _ - not starting
// with '.' (no folders, no hidden files).
bool is_job_id(std::string_view id);

// "JOBS.jsonl:3: <message>" lines, one per error.
std::string format_job_errors(const std::string& origin, const std::vector<JobLineError>& errors);

// The job's inputs that no name in `known` accepts, as errors on its line
// ("unknown input 'promt' (did you mean 'prompt'?)").
std::vector<JobLineError> check_job_inputs(const std::vector<Job>& jobs, const std::vector<std::string>& known);

}  // namespace brick::batch
