// JobRunner: one process's pipeline, loaded once, and how it runs a job:
// the job's inputs over the command line's defaults over the pipeline
// file's, its files written under a temporary folder of the output folder and
// renamed into place when the run succeeds, so that a file with a job's name
// is always a whole file. Every rank of a batch has one.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "brick/batch/jobs.h"
#include "brick/batch/manifest.h"
#include "brick/brick_abi.h"
#include "brick/host/loader/plugin_search.h"

namespace brick::batch {

// A mistake in how the batch was asked for (exit status 2): an unknown
// NAME=VALUE, a pipeline that writes no file.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RunnerOptions {
  std::string pipeline;  // a pipeline file or an installed pipeline's name
  host::PluginSearch search;
  std::string lock;                   // a lock file, or ""
  brick_device device{1, 0};          // kDLCPU
  std::vector<std::string> defaults;  // NAME=VALUE for every job; a component's name swaps its type
  std::filesystem::path out_dir;      // where the files go
  int rank = 0;                       // recorded in the manifest
};

class JobRunner {
 public:
  // Opens the pipeline, moves it to the device and loads its components.
  // Throws UsageError for a default that names no input or component or
  // does not fit its type, and for a pipeline without an `output` input;
  // brick::host::Error when the pipeline cannot be opened.
  explicit JobRunner(const RunnerOptions& options);
  ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // The names a job may set (the pipeline's inputs).
  const std::vector<std::string>& input_names() const;
  // The inputs a manifest records for `job`: its own, then the defaults it
  // does not set, as JSON values.
  host::Value recorded_inputs(const Job& job) const;
  // Runs the job; never throws: a failure is the record's error.
  ManifestRecord run(const Job& job);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The folder of the runs in progress under DIR (DIR/.partial), removed by
// rank 0 before a batch starts.
std::filesystem::path partial_dir(const std::filesystem::path& out_dir);

}  // namespace brick::batch
