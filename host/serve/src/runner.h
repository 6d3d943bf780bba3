// Runner: one worker's pipelines, and running a job on them. Each worker
// has its own ModularPipeline per target (a pipeline is not run from two
// threads at once), built from the shared Catalog on first use and kept, so
// components load once per worker.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "brick/brick_abi.h"
#include "brick/host/pipeline/modular_pipeline.h"
#include "catalog.h"
#include "job.h"

namespace brick::serve {

class Runner {
 public:
  Runner(Catalog& catalog, brick_device device) : catalog_(catalog), device_(device) {}

  // Builds the pipelines of every catalog pipeline now (at server start).
  void prepare();
  // Runs the job; block errors, cancellation and bad values become the outcome.
  JobOutcome run(const Job& job, const JobEvents& events, std::shared_ptr<const std::atomic<bool>> cancel);

 private:
  host::ModularPipeline& pipeline_for(const CatalogEntry& entry, const std::string& workflow);

  Catalog& catalog_;
  brick_device device_;
  std::map<std::string, host::ModularPipeline> pipelines_;
};

// The brick_device of --device text; host::Error for a bad one.
brick_device serve_device(const std::string& text);

}  // namespace brick::serve
