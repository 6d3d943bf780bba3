// Progress of long-running blocks (a denoising loop reports step i of n, as
// diffusers' loop wrappers do with tqdm). The host forwards every report to
// one sink; the brick command draws a progress bar, a custom host plugs in
// its own. The default sink ignores reports.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace brick::host {

struct ProgressRecord {
  std::string_view source;  // the reporting plugin's name, or "brick"
  int64_t done;
  int64_t total;
  std::string_view run_id;  // the run it belongs to (RunOptions::run_id); "" outside a run
};

using ProgressSink = std::function<void(const ProgressRecord&)>;

// Replaces the sink; returns the previous one.
ProgressSink set_progress_sink(ProgressSink sink);
// Sends a report to the process's sink (a run's own sink: RunOptions::progress).
void report_progress(const ProgressRecord& record);

}  // namespace brick::host
