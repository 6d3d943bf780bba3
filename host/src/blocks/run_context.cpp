#include "brick/host/blocks/run_context.h"

#include "brick/host/base/error.h"

namespace brick::host {

namespace {
// A plain pointer: trivially destructible, so no thread-exit work.
thread_local const RunOptions* t_current_run = nullptr;
thread_local const PipelineState* t_current_state = nullptr;
}  // namespace

RunScope::RunScope(const RunOptions& options, const PipelineState* state)
    : previous_(t_current_run), previous_state_(t_current_state) {
  t_current_run = &options;
  t_current_state = state;
}

RunScope::~RunScope() {
  t_current_run = previous_;
  t_current_state = previous_state_;
}

const RunOptions* RunScope::current() { return t_current_run; }

void throw_if_cancelled() {
  const RunOptions* run = t_current_run;
  if (run && run->cancel && run->cancel->load(std::memory_order_relaxed)) {
    throw Error(BRICK_ERR_CANCELLED, "run " + run->run_id + " was cancelled");
  }
}

void report_run_progress(std::string_view source, int64_t done, int64_t total) {
  const RunOptions* run = t_current_run;
  ProgressRecord record{source, done, total, run ? std::string_view(run->run_id) : std::string_view()};
  if (run && run->progress) {
    run->progress(record);
  } else {
    report_progress(record);
  }
}

void notify_step_end(const ModularPipelineBlocks& loop, const Value& args, Components& components,
                     BlockState& block_state) {
  const RunOptions* run = t_current_run;
  if (run && run->on_step_end) run->on_step_end(StepEnd{loop, args, components, block_state, t_current_state});
}

}  // namespace brick::host
