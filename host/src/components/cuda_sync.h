// synchronize_cuda_devices: waits until every CUDA device has finished the
// work queued on it, through the CUDA runtime LibTorch runs on. The reaper
// calls it before unloading a plugin generation, so no kernel or callback of
// the generation's code is still queued on any stream (it waits for more
// than that generation's streams; unloading is rare and off the run path).
// A LibTorch without CUDA has nothing to wait for.
#pragma once

namespace brick::host::detail {

void synchronize_cuda_devices();

}  // namespace brick::host::detail
