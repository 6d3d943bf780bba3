#include "call_scope.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

#include "brick/host/base/error.h"
#include "brick/host/blocks/run_context.h"
#include "brick/host/components/components.h"
#include "brick/host/plugin/call_guards.h"
#include "brick/host/plugin/plugin.h"

#ifdef BRICK_TORCH_CUDA
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>
#endif

namespace brick::host {

namespace {
// -1: not set, read BRICK_DEBUG_SYNC; 0/1: set.
std::atomic<int> g_debug_sync{-1};

bool env_debug_sync() {
  const char* v = std::getenv("BRICK_DEBUG_SYNC");
  if (!v) return false;
  for (const char* yes : {"1", "true", "yes", "on", "TRUE", "YES", "ON"}) {
    if (std::strcmp(v, yes) == 0) return true;
  }
  return false;
}
}  // namespace

void set_debug_sync(bool enabled) { g_debug_sync.store(enabled ? 1 : 0); }

bool debug_sync() {
  int v = g_debug_sync.load(std::memory_order_relaxed);
  if (v < 0) {
    int from_env = env_debug_sync() ? 1 : 0;
    g_debug_sync.compare_exchange_strong(v, from_env);
    return g_debug_sync.load() == 1;
  }
  return v == 1;
}

}  // namespace brick::host

namespace brick::host::detail {

namespace {
constexpr int32_t kDLCUDA = 2;
}  // namespace

std::string describe_call(const Plugin* plugin, const std::string& what) {
  if (!plugin) return what;
  return what + " of plugin '" + plugin->name() + "' " + plugin->version() + " (" + plugin->path().string() + ")";
}

CallScope::CallScope(const std::string& described, const Components* components, Inference inference) {
  enter(described.c_str(), components, inference);
}

CallScope::CallScope(const Plugin* plugin, const std::string& what, const Components* components, Inference inference)
    : owned_(describe_call(plugin, what)) {
  enter(owned_.c_str(), components, inference);
}

void CallScope::enter(const char* described, const Components* components, Inference inference) {
  // The crash frame first: the guards below run LibTorch code that may fault too.
  const RunOptions* run = RunScope::current();
  frame_.emplace(described, run ? run->run_id.c_str() : nullptr);

  if (inference != Inference::Inherit) inference_.emplace(inference == Inference::On);

#ifdef BRICK_TORCH_CUDA
  if (components && components->device().device_type == kDLCUDA) {
    auto index = static_cast<c10::DeviceIndex>(components->device().device_id);
    device_.emplace(index);
    if (void* given = components->stream()) {
      stream_.emplace(c10::cuda::getStreamFromExternal(static_cast<cudaStream_t>(given), index));
    }
  }
#else
  (void)components;
#endif
}

CallScope::~CallScope() = default;

void* call_stream(const Components& components) {
  if (components.device().device_type != kDLCUDA) return nullptr;
  if (void* given = components.stream()) return given;
#ifdef BRICK_TORCH_CUDA
  cudaStream_t current =
      c10::cuda::getCurrentCUDAStream(static_cast<c10::DeviceIndex>(components.device().device_id)).stream();
  // The default stream's handle is 0; its explicit name keeps NULL for "CPU".
  return current ? static_cast<void*>(current) : static_cast<void*>(cudaStreamLegacy);
#else
  return nullptr;
#endif
}

void sync_after_block(const Components& components, const std::string& block) {
  if (components.device().device_type != kDLCUDA || !debug_sync()) return;
#ifdef BRICK_TORCH_CUDA
  c10::cuda::CUDAGuard device(static_cast<c10::DeviceIndex>(components.device().device_id));
  cudaError_t status = cudaStreamSynchronize(static_cast<cudaStream_t>(call_stream(components)));
  if (status == cudaSuccess) status = cudaGetLastError();
  if (status != cudaSuccess) {
    throw BlockError(BRICK_ERR_INTERNAL, block,
                     "Error in block '" + block + "': CUDA error found by debug sync right after it ran: " +
                         cudaGetErrorName(status) + ": " + cudaGetErrorString(status));
  }
#else
  (void)block;
#endif
}

}  // namespace brick::host::detail
