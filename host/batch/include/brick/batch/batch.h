// brick batch: many runs of one pipeline, each job a line of JOBS.jsonl, in
// one process or spread over the ranks of an MPI launch (mpirun, srun),
// with output that depends only on the jobs:
//
//   BatchOptions options;
//   options.runner.pipeline = "text2image";
//   options.runner.out_dir = "out";
//   options.jobs_file = "jobs.jsonl";
//   int status = run_batch(options);   // every rank of the launch calls it
//
// Rank 0 reads the jobs and the manifest, hands out jobs as ranks ask (a
// work queue: slow and fast jobs balance; a rank holds the job it runs and
// the next), runs jobs itself on a second thread meanwhile, and is the
// manifest's only writer. Every rank loads the pipeline once.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>

#include "brick/batch/job_runner.h"

namespace brick::batch {

struct BatchOptions {
  RunnerOptions runner;  // pipeline, plugins, defaults, out_dir (device and rank are set per rank)
  // "cpu", "cuda" (each rank the GPU of its local rank: cuda:{local_rank mod
  // devices}) or "cuda:N" (every rank that one).
  std::string device = "cpu";
  std::filesystem::path jobs_file;
  bool resume = false;     // run only the jobs the manifest does not list as done
  bool fail_fast = false;  // hand out no job after the first failure
  bool quiet = false;      // no progress lines
};

// The exit status for `failed` failed jobs: 0 for none, else 100 + failed
// (at most 200), distinct from 1 (the batch could not run) and 2 (usage).
int exit_status_for_failures(int failed);

// Runs the batch as this process's part of the launch detected from the
// environment (launcher.h), alone when there is none. Errors and progress go
// to `err` (rank 0 only, but for errors of a rank's own). Returns the exit
// status, the same on every rank: 0, 1 (could not run: the pipeline did not
// load, the folder cannot be written, the jobs file cannot be read), 2
// (usage: malformed job lines, each with its line number, before any job
// runs; an unknown default; a manifest present without --resume), or
// exit_status_for_failures.
int run_batch(const BatchOptions& options, std::ostream& err);

// Whether this build can join MPI launches (BRICK_MPI).
bool built_with_mpi();

}  // namespace brick::batch
