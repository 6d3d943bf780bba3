// CallScope: the guards the host installs around a call into plugin code
// (brick/host/plugin/call_guards.h says which and why). One per call: block
// calls, loop calls, selections, creation, clones, component methods, entry
// points and shutdowns.
#pragma once

#include <c10/core/InferenceMode.h>

#include <optional>
#include <string>

#include "brick/brick_abi.h"
#include "brick/host/base/crash_report.h"

#ifdef BRICK_TORCH_CUDA
#include <c10/cuda/CUDAGuard.h>
#endif

namespace brick::host {
class Components;
class Plugin;
}  // namespace brick::host

namespace brick::host::detail {

enum class Inference {
  Inherit,  // keep the caller's mode (component methods, creation)
  On,       // a block that does not need gradients
  Off,      // a block that declared BRICK_BLOCK_NEEDS_GRAD
};

// "<what> of plugin '<name>' <version> (<file>)", what a crash report says
// about a call; `plugin` may be nullptr (a library being loaded).
std::string describe_call(const Plugin* plugin, const std::string& what);

class CallScope {
 public:
  // `described`: describe_call's text, prepared once (a block keeps it); it
  // must outlive the scope. `components`: the pipeline's (device and
  // stream), or nullptr.
  CallScope(const std::string& described, const Components* components, Inference inference);
  // For calls made rarely (creation, clones, component methods): formats
  // the text itself.
  CallScope(const Plugin* plugin, const std::string& what, const Components* components, Inference inference);
  ~CallScope();
  CallScope(const CallScope&) = delete;
  CallScope& operator=(const CallScope&) = delete;

 private:
  void enter(const char* described, const Components* components, Inference inference);

  std::string owned_;
  std::optional<CrashFrame> frame_;
  std::optional<c10::InferenceMode> inference_;
#ifdef BRICK_TORCH_CUDA
  std::optional<c10::cuda::CUDAGuard> device_;
  std::optional<c10::cuda::CUDAStreamGuard> stream_;
#endif
};

// The inference mode a block call runs under, from its declaration's flags.
inline Inference block_inference(uint32_t flags) {
  return (flags & BRICK_BLOCK_NEEDS_GRAD) ? Inference::Off : Inference::On;
}

// The stream a call on `components` enqueues on (host->get_stream): the
// pipeline's stream, else the CUDA device's current stream (cudaStreamLegacy
// for the default stream, whose handle is 0); nullptr only for
// a CPU pipeline (or in a host whose LibTorch has no CUDA, which cannot run a
// CUDA pipeline).
void* call_stream(const Components& components);

// With debug sync on and a CUDA pipeline: waits for the call's stream and
// throws BlockError naming `block` on a CUDA error.
void sync_after_block(const Components& components, const std::string& block);

}  // namespace brick::host::detail
