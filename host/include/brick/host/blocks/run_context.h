// RunOptions: what one run of a pipeline carries besides its state: an id,
// where its progress goes, a cancellation flag, and a callback after every
// loop step (diffusers' callback_on_step_end). ModularPipeline::run installs
// them for the calling thread (RunScope) while its blocks run; sequential and
// loop blocks and the plugin host functions consult them, so a plugin needs
// nothing new. Runs on different threads never see each other's.
//
//   RunOptions options;
//   options.on_step_end = [](const StepEnd& step) { preview(step.block_state.get("latents")); };
//   options.cancel = cancel_flag;                 // another thread sets it: the run stops
//   PipelineState state = pipe.run(inputs, options);
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "brick/host/base/progress.h"
#include "brick/host/components/components.h"
#include "brick/host/state/block_state.h"
#include "brick/host/state/pipeline_state.h"

namespace brick::host {

class ModularPipelineBlocks;

// One finished iteration of a loop block.
struct StepEnd {
  const ModularPipelineBlocks& loop;  // the loop wrapper
  const Value& args;                  // the iteration's arguments: {"i": i, "t": t, ...}
  Components& components;
  // The loop's shared state: read it (latents for a preview) or set values
  // the next iteration reads, as diffusers' callback_on_step_end returns them.
  BlockState& block_state;
  // The run's pipeline state as the blocks before the loop left it (the
  // loop writes its outputs back when it ends); nullptr outside
  // ModularPipeline::run.
  const PipelineState* state;
};

struct RunOptions {
  std::string run_id;  // "": ModularPipeline::run names the run "run-<n>"
  // This run's progress reports (ProgressRecord::run_id set); empty: the
  // process's sink (set_progress_sink).
  ProgressSink progress;
  std::function<void(const StepEnd&)> on_step_end;
  // Set (by any thread) to stop the run before its next block or loop step
  // with Error(BRICK_ERR_CANCELLED); the block running at that moment finishes.
  std::shared_ptr<const std::atomic<bool>> cancel;
};

// Makes `options` the calling thread's current run until destroyed (runs
// nest: the previous one comes back). `options` must outlive the scope.
class RunScope {
 public:
  // `state`: the run's pipeline state, what StepEnd::state shows.
  explicit RunScope(const RunOptions& options, const PipelineState* state = nullptr);
  ~RunScope();
  RunScope(const RunScope&) = delete;
  RunScope& operator=(const RunScope&) = delete;

  // The calling thread's current run, or nullptr outside any.
  static const RunOptions* current();

 private:
  const RunOptions* previous_;
  const PipelineState* previous_state_;
};

// Throws Error(BRICK_ERR_CANCELLED) naming the run when the current run was cancelled.
void throw_if_cancelled();
// A loop's progress: to the current run's sink with its id, else to the process's sink.
void report_run_progress(std::string_view source, int64_t done, int64_t total);
// After a loop iteration: the current run's on_step_end, if any.
void notify_step_end(const ModularPipelineBlocks& loop, const Value& args, Components& components,
                     BlockState& block_state);

}  // namespace brick::host
