// A progress bar on stderr for the loops of a run, drawn only when stderr is
// a terminal:
//
//   denoise [##########          ] 10/20  7.41 it/s  ETA 00:01
//
// Installed as the progress sink for the object's lifetime (the previous sink
// comes back after). The rate counts from the loop's first report, as tqdm's
// does. Forty lines did not justify a dependency (Debian has no maintained
// C++ progress-bar library).
#pragma once

#include <chrono>
#include <cstdint>

#include "brick/host/base/progress.h"

namespace brick::host {

class ProgressBar {
 public:
  ProgressBar();
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

 private:
  void draw(const ProgressRecord& record);

  ProgressSink previous_;
  bool active_ = false;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  int64_t start_done_ = 0;
};

}  // namespace brick::host
