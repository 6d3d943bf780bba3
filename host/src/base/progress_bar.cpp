#include "brick/host/base/progress_bar.h"

#include <unistd.h>

#include <cstdio>
#include <string>

namespace brick::host {

ProgressBar::ProgressBar() {
  if (!isatty(STDERR_FILENO)) return;
  active_ = true;
  previous_ = set_progress_sink([this](const ProgressRecord& record) { draw(record); });
}

ProgressBar::~ProgressBar() {
  if (!active_) return;
  set_progress_sink(std::move(previous_));
  if (drawn_) std::fputc('\n', stderr);
}

void ProgressBar::draw(const ProgressRecord& r) {
  auto now = std::chrono::steady_clock::now();
  // A loop starts at its first report (done 0 or 1); a new loop restarts the clock.
  if (!drawn_ || r.done <= start_done_) {
    if (drawn_ && r.done <= start_done_) std::fputc('\n', stderr);
    start_ = now;
    start_done_ = r.done;
  }
  constexpr int64_t kWidth = 20;
  int64_t filled = r.total > 0 ? kWidth * r.done / r.total : 0;
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(kWidth, ' ');
  double seconds = std::chrono::duration<double>(now - start_).count();
  std::string rate = "   ?   it/s  ETA --:--";
  if (r.done > start_done_ && seconds > 0) {
    double per_second = static_cast<double>(r.done - start_done_) / seconds;
    auto eta = static_cast<long long>(static_cast<double>(r.total - r.done) / per_second + 0.5);
    char text[48];
    std::snprintf(text, sizeof text, "%6.2f it/s  ETA %02lld:%02lld", per_second, eta / 60, eta % 60);
    rate = text;
  }
  std::fprintf(stderr, "\r%.*s [%s] %lld/%lld %s", static_cast<int>(r.source.size()), r.source.data(), bar.c_str(),
               static_cast<long long>(r.done), static_cast<long long>(r.total), rate.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace brick::host
