#include "brick/host/base/crash_report.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <mutex>

namespace brick::host {

namespace {

// A plain pointer (no destructor, no thread-exit work), in the static TLS
// block so that reading it from a signal handler allocates nothing.
__attribute__((tls_model("initial-exec"))) thread_local const CrashFrame* t_frame = nullptr;

constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
struct sigaction g_previous[sizeof kSignals / sizeof kSignals[0]];

void put(const char* text) {
  size_t left = std::strlen(text);
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, text, left);
    if (n <= 0) return;
    text += n;
    left -= static_cast<size_t>(n);
  }
}

void put_frame(const CrashFrame* frame) {
  put(frame->what() ? frame->what() : "?");
  if (frame->run_id() && *frame->run_id()) {
    put(", run '");
    put(frame->run_id());
    put("'");
  }
  put("\n");
}

const char* signal_name(int sig) {
  switch (sig) {
    case SIGSEGV:
      return "SIGSEGV (invalid memory access)";
    case SIGBUS:
      return "SIGBUS (bus error)";
    case SIGFPE:
      return "SIGFPE (arithmetic error)";
    case SIGILL:
      return "SIGILL (illegal instruction)";
    case SIGABRT:
      return "SIGABRT (abort)";
    default:
      return "fatal signal";
  }
}

void on_fatal_signal(int sig, siginfo_t*, void*) {
  const CrashFrame* frame = t_frame;
  put("\nbrick: fatal signal ");
  put(signal_name(sig));
  if (frame) {
    put(" in ");
    put_frame(frame);
    for (const CrashFrame* outer = frame->outer(); outer; outer = outer->outer()) {
      put("brick:   called from ");
      put_frame(outer);
    }
  } else {
    put(" outside any plugin call (in the host itself)\n");
  }
  // The handler that was there before (usually the default action) handles
  // the signal again: the process dies of it, as it would without brick.
  for (size_t i = 0; i < sizeof kSignals / sizeof kSignals[0]; ++i) {
    if (kSignals[i] == sig) sigaction(sig, &g_previous[i], nullptr);
  }
  raise(sig);
}

}  // namespace

void install_crash_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    // An alternate stack, so that a stack overflow still gets its report.
    static char alternate_stack[64 * 1024];
    stack_t stack{};
    stack.ss_sp = alternate_stack;
    stack.ss_size = sizeof alternate_stack;
    sigaltstack(&stack, nullptr);
    for (size_t i = 0; i < sizeof kSignals / sizeof kSignals[0]; ++i) {
      struct sigaction action {};
      action.sa_sigaction = on_fatal_signal;
      action.sa_flags = SA_SIGINFO | SA_ONSTACK;
      sigemptyset(&action.sa_mask);
      sigaction(kSignals[i], &action, &g_previous[i]);
    }
  });
}

CrashFrame::CrashFrame(const char* what, const char* run_id) noexcept : what_(what), run_id_(run_id), outer_(t_frame) {
  std::atomic_signal_fence(std::memory_order_release);  // complete before the handler can see it
  t_frame = this;
}

CrashFrame::~CrashFrame() {
  t_frame = outer_;
  std::atomic_signal_fence(std::memory_order_release);
}

const CrashFrame* CrashFrame::current() noexcept { return t_frame; }

}  // namespace brick::host
