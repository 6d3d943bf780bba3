#include "worker_process.h"

#include "brick/host/base/error.h"

namespace brick::serve {

std::unique_ptr<Executor> make_process_executor(const ServeOptions&, int) {
  throw host::Error(BRICK_ERR_UNSUPPORTED, "process isolation: not built yet");
}

int run_worker(const ServeOptions&, int) { return 1; }

}  // namespace brick::serve
