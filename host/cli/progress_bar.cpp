#include "progress_bar.h"

#include <unistd.h>

#include <cstdio>
#include <string>

namespace brick::cli {

ProgressBar::ProgressBar() {
  if (!isatty(STDERR_FILENO)) return;
  previous_ = host::set_progress_sink([this](const host::ProgressRecord& r) {
    constexpr int64_t kWidth = 30;
    int64_t filled = r.total > 0 ? kWidth * r.done / r.total : 0;
    std::string bar(static_cast<size_t>(filled), '#');
    bar.resize(kWidth, ' ');
    std::fprintf(stderr, "\r%.*s [%s] %lld/%lld", static_cast<int>(r.source.size()), r.source.data(), bar.c_str(),
                 static_cast<long long>(r.done), static_cast<long long>(r.total));
    std::fflush(stderr);
    drawn_ = true;
  });
}

ProgressBar::~ProgressBar() {
  if (!isatty(STDERR_FILENO)) return;
  host::set_progress_sink(std::move(previous_));
  if (drawn_) std::fputc('\n', stderr);
}

}  // namespace brick::cli
