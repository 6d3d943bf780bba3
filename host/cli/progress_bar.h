// A progress bar on stderr for the loops of a run ("denoise [#####     ] 5/10"),
// drawn only when stderr is a terminal. Installed as the host's progress sink
// for its lifetime. Twenty lines of code did not justify a dependency (Debian
// has no maintained C++ progress-bar library); docs/cli.md says so.
#pragma once

#include "brick/host/progress.h"

namespace brick::cli {

class ProgressBar {
 public:
  ProgressBar();
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

 private:
  host::ProgressSink previous_;
  bool drawn_ = false;
};

}  // namespace brick::cli
