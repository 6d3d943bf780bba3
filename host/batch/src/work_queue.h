// The work queue: rank 0 hands out a job to whichever rank asks (a rank
// asks twice when it starts and once with each result, so it holds the job
// it runs and the next), so ranks that get slow jobs simply ask less often.
// With other ranks, rank 0 also runs jobs on a second thread, fed by the
// same queue; alone, it runs them in turn.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "brick/batch/job_runner.h"
#include "brick/batch/jobs.h"
#include "brick/batch/manifest.h"
#include "transport.h"

namespace brick::batch {

struct QueueSettings {
  bool fail_fast = false;
  bool quiet = false;
};

struct QueueResult {
  int done = 0;
  int failed = 0;
  int not_run = 0;  // left in the queue by --fail-fast
  std::vector<std::string> failed_ids;
};

// Rank 0: runs `jobs` over every rank, appends each record to `manifest`
// as it comes, and prints a progress line per finished job.
QueueResult coordinate(Transport& transport, JobRunner& runner, const std::vector<Job>& jobs, ManifestWriter& manifest,
                       const QueueSettings& settings, std::ostream& err);
// The other ranks: ask for jobs and run them until told to stop.
void serve(Transport& transport, JobRunner& runner);

}  // namespace brick::batch
