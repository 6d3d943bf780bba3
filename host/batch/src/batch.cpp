#include "brick/batch/batch.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <ostream>
#include <system_error>
#include <thread>

#include "brick/batch/launcher.h"
#include "brick/batch/manifest.h"
#include "brick/host/base/device.h"
#include "brick/host/base/error.h"
#include "transport.h"
#include "work_queue.h"

namespace brick::batch {

namespace fs = std::filesystem;

namespace {

// Ranks sharing a machine share its cores: each takes its part for
// LibTorch's intra-op threads (OpenMP, OpenBLAS), or they fight over every
// core. OMP_NUM_THREADS, when set, is the user's choice and stays.
void share_cores(int local_size) {
  if (local_size <= 1 || std::getenv("OMP_NUM_THREADS")) return;
  int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  at::set_num_threads(std::max(1, cores / local_size));
}

// Job after job allocates and frees the same large buffers; glibc's default
// (dynamic mmap threshold, trimming the heap top at 128 KiB) hands them back
// to the kernel and faults them in again for every job. Keeping them costs
// memory a batch holds anyway.
void keep_freed_memory() {
#ifdef M_MMAP_THRESHOLD
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}

// --device cuda: the GPU of the rank's local rank.
brick_device device_for(const std::string& text, int local_rank) {
  brick_device device = host::parse_device(text);
  if (text == "cuda" && at::hasCUDA()) {
    int64_t count = at::detail::getCUDAHooks().getNumGPUs();
    if (count > 0) device.device_id = static_cast<int32_t>(local_rank % count);
  }
  host::check_device(device);
  return device;
}

std::unique_ptr<Transport> open_transport(const Launch& launch, std::ostream& err) {
  if (!launch.launched()) return make_single_transport();
#ifdef BRICK_BATCH_MPI
  (void)err;
  return make_mpi_transport();
#else
  if (launch.size == 1) return make_single_transport();
  err << "error: started by " << launch.launcher << " as rank " << launch.rank << " of " << launch.size
      << ", but this brick was built without MPI (BRICK_MPI=OFF; Open MPI's libopenmpi-dev was not found): every "
         "process would run every job. Run one process, or rebuild brick with MPI.\n";
  return nullptr;
#endif
}

}  // namespace

bool built_with_mpi() {
#ifdef BRICK_BATCH_MPI
  return true;
#else
  return false;
#endif
}

int exit_status_for_failures(int failed) { return failed == 0 ? 0 : 100 + std::min(failed, 100); }

int run_batch(const BatchOptions& options, std::ostream& err) {
  Launch launch;
  try {
    launch = detect_launch();
  } catch (const std::exception& e) {
    err << "error: " << e.what() << "\n";
    return 1;
  }
  std::unique_ptr<Transport> transport = open_transport(launch, err);
  if (!transport) return 1;
  Transport& t = *transport;
  const bool root = t.rank() == 0;
  const fs::path out_dir = options.runner.out_dir;
  const fs::path manifest_path = out_dir / "manifest.jsonl";
  share_cores(t.local_size());
  keep_freed_memory();

  // Rank 0 reads the jobs and checks the folder before anything loads.
  int status = 0;
  JobList jobs;
  if (root) {
    try {
      jobs = read_jobs(options.jobs_file);
      if (!jobs.errors.empty()) {
        err << format_job_errors(options.jobs_file.string(), jobs.errors) << "error: " << jobs.errors.size()
            << " malformed line(s) in " << options.jobs_file.string() << "; no job was run\n";
        status = 2;
      } else if (jobs.jobs.empty()) {
        err << "error: " << options.jobs_file.string() << " has no job\n";
        status = 2;
      } else {
        fs::create_directories(out_dir);
        if (!options.resume && fs::exists(manifest_path) && fs::file_size(manifest_path) > 0) {
          err << "error: " << manifest_path.string()
              << " exists: --resume runs the jobs it does not list as done; or choose another --out\n";
          status = 2;
        }
      }
    } catch (const std::exception& e) {
      err << "error: " << e.what() << "\n";
      status = 1;
    }
  }
  if ((status = t.broadcast(status)) != 0) return status;

  // Every rank loads the pipeline once.
  std::unique_ptr<JobRunner> runner;
  try {
    RunnerOptions runner_options = options.runner;
    runner_options.rank = t.rank();
    runner_options.device = device_for(options.device, t.local_rank());
    runner = std::make_unique<JobRunner>(runner_options);
  } catch (const UsageError& e) {
    if (root) err << "error: " << e.what() << "\n";  // the same on every rank
    status = 2;
  } catch (const std::exception& e) {
    err << "error: " << (t.size() > 1 ? "rank " + std::to_string(t.rank()) + ": " : std::string()) << e.what() << "\n";
    status = 1;
  }
  if ((status = t.max(status)) != 0) return status;

  // Rank 0: unknown inputs, then what --resume leaves to do.
  std::vector<Job> to_run;
  size_t already_done = 0;
  if (root) {
    try {
      std::vector<JobLineError> unknown = check_job_inputs(jobs.jobs, runner->input_names());
      if (!unknown.empty()) {
        err << format_job_errors(options.jobs_file.string(), unknown) << "error: " << unknown.size()
            << " malformed line(s) in " << options.jobs_file.string() << "; no job was run\n";
        status = 2;
      } else {
        Manifest manifest = options.resume ? read_manifest(manifest_path) : Manifest{};
        std::vector<ManifestRecord> kept;
        for (const Job& job : jobs.jobs) {
          auto found = manifest.records.find(job.id);
          if (found != manifest.records.end() && is_done(found->second, runner->recorded_inputs(job), out_dir)) {
            kept.push_back(found->second);
          } else {
            to_run.push_back(job);
          }
        }
        already_done = kept.size();
        // The manifest keeps only what is done; failures and torn lines go.
        if (options.resume) rewrite_manifest(manifest_path, kept);
        std::error_code ignored;
        fs::remove_all(partial_dir(out_dir), ignored);
      }
    } catch (const std::exception& e) {
      err << "error: " << e.what() << "\n";
      status = 1;
    }
  }
  if ((status = t.broadcast(status)) != 0) return status;

  if (!root) {
    serve(t, *runner);
    return t.broadcast(0);
  }

  if (!options.quiet) {
    err << "brick batch: " << jobs.jobs.size() << " jobs";
    if (options.resume) err << ", " << already_done << " already done";
    err << ", " << to_run.size() << " to run on " << t.size() << " process" << (t.size() > 1 ? "es" : "");
    if (launch.launched()) err << " (" << launch.launcher << ")";
    err << std::endl;
  }
  QueueResult result;
  try {
    ManifestWriter manifest(manifest_path);
    result = coordinate(t, *runner, to_run, manifest, QueueSettings{options.fail_fast, options.quiet}, err);
    // Every rank has finished its last job (and removed its scratch folder).
    std::error_code ignored;
    fs::remove(partial_dir(out_dir), ignored);
  } catch (const std::exception& e) {
    err << "error: " << e.what() << "\n";
    // The other ranks wait for rank 0: end them too.
    if (t.size() > 1) t.abort(1);
    return 1;
  }
  if (result.failed > 0) {
    err << result.failed << " of " << to_run.size() << " jobs failed (their errors are in " << manifest_path.string()
        << "):";
    for (const std::string& id : result.failed_ids) err << " " << id;
    err << "\n";
    if (result.not_run > 0) err << "--fail-fast: " << result.not_run << " jobs were not run\n";
  } else if (!options.quiet) {
    err << result.done << " jobs done; manifest: " << manifest_path.string() << "\n";
  }
  return t.broadcast(exit_status_for_failures(result.failed));
}

}  // namespace brick::batch
