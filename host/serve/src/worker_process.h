// Process isolation: each worker is a child process (the worker command,
// `brick serve ... --worker-fd N`) holding its own pipelines; the server
// sends it runs over a socket pair and reads back progress and results, one
// JSON object a line. A worker that dies fails only the run it had, with an
// error naming the block and the signal, and is started again.
#pragma once

#include <memory>

#include "brick/serve/server.h"
#include "metrics.h"
#include "run_manager.h"

namespace brick::serve {

// Restarts after a death are counted in `metrics` (brick_worker_restarts_total).
std::unique_ptr<Executor> make_process_executor(const ServeOptions& options, int worker, Metrics& metrics);

}  // namespace brick::serve
