// brick batch PIPELINE JOBS.jsonl --out DIR [NAME=VALUE]...: the jobs of a
// file, in this process or over an MPI launch (libbrick_batch does the work).
#include <CLI/CLI.hpp>

#include <iostream>

#include "brick/batch/batch.h"
#include "brick/host/base/device.h"
#include "brick/host/base/error.h"
#include "commands.h"

namespace brick::cli {

CLI::App* add_batch_command(CLI::App& app, BatchArguments& batch) {
  CLI::App* command = app.add_subcommand(
      "batch",
      "Run a pipeline once per line of a JOBS.jsonl file (each line a JSON object of inputs, \"id\" naming its "
      "files),\n"
      "writing the files and DIR/manifest.jsonl. Alone it runs in this process; started by mpirun or srun, the\n"
      "ranks share the jobs (rank 0 hands them out). NAME=VALUE sets a default input for every job.");
  command->add_option("PIPELINE", batch.pipeline, "A pipeline file (.json) or an installed pipeline's name")
      ->required();
  // A missing file is reported by the job reader (naming it), not as a usage error.
  command->add_option("JOBS", batch.jobs, "The jobs, one JSON object per line")->required();
  command->add_option("INPUTS", batch.defaults, "Default inputs for every job, as NAME=VALUE");
  command->add_option("--out", batch.out, "The folder of the files and the manifest")
      ->required()
      ->allow_extra_args(false);
  command
      ->add_option("-d,--device", batch.device, "cpu (default), cuda (each rank the GPU of its local rank) or cuda:N")
      ->allow_extra_args(false);
  command->add_flag("--resume", batch.resume,
                    "Run only the jobs the manifest does not list as done (a missing or changed file is run again)");
  command->add_flag("--fail-fast", batch.fail_fast, "Stop handing out jobs at the first failure");
  command->add_flag("--quiet", batch.quiet, "No progress line per job");
  command
      ->add_option("--lock", batch.lock,
                   "A lock file (brick lock): refuse a plugin whose content differs from the locked one")
      ->envname("BRICK_LOCK")
      ->allow_extra_args(false);
  return command;
}

int batch_command(const BatchArguments& arguments) {
  try {
    host::parse_device(arguments.device);
  } catch (const host::Error& e) {
    throw UsageError(std::string("--device: ") + e.what());
  }
  batch::BatchOptions options;
  options.runner.pipeline = arguments.pipeline;
  options.runner.search = arguments.search;
  options.runner.lock = arguments.lock;
  options.runner.defaults = arguments.defaults;
  options.runner.out_dir = arguments.out;
  options.device = arguments.device;
  options.jobs_file = arguments.jobs;
  options.resume = arguments.resume;
  options.fail_fast = arguments.fail_fast;
  options.quiet = arguments.quiet;
  return batch::run_batch(options, std::cerr);
}

}  // namespace brick::cli
