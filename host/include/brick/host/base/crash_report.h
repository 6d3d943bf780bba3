// Crash reports: when a block segfaults or aborts, say which one.
//
// install_crash_handler() installs a handler for SIGSEGV, SIGBUS, SIGFPE,
// SIGILL and SIGABRT that writes, with async-signal-safe calls only, what the
// crashing thread was running (the innermost CrashFrame, then the ones it
// runs inside) to stderr, then puts back the handler that was there before
// and raises the signal again, so the process still dies of that signal
// (exit status 128 + signal in a shell, 139 for SIGSEGV) and core dumps and
// other tools' handlers behave as without brick. `brick` installs it; a
// custom host calls it once, early (it is process-wide).
//
// CrashFrame: what one call runs, as text prepared before the call (a
// plugin block formats its text once, when it is made) so that the handler
// only copies bytes. The frame holds pointers: the strings must outlive it.
#pragma once

namespace brick::host {

// Idempotent; safe to call from several threads.
void install_crash_handler();

class CrashFrame {
 public:
  // `what`, e.g. "block 'core.Denoise' of plugin 'core' 0.1.0
  // (/usr/lib/brick/plugins/core.so)"; `run_id`: the run it belongs to, or
  // nullptr.
  explicit CrashFrame(const char* what, const char* run_id = nullptr) noexcept;
  ~CrashFrame();
  CrashFrame(const CrashFrame&) = delete;
  CrashFrame& operator=(const CrashFrame&) = delete;

  // The calling thread's innermost frame, or nullptr.
  static const CrashFrame* current() noexcept;
  const char* what() const noexcept { return what_; }
  const char* run_id() const noexcept { return run_id_; }
  const CrashFrame* outer() const noexcept { return outer_; }

 private:
  const char* what_;
  const char* run_id_;
  const CrashFrame* outer_;
};

}  // namespace brick::host
