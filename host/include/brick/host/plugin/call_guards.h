// What the host sets up around every call into plugin code (docs/abi.md,
// "Around every call"): the pipeline's device as the current device, its
// stream as ATen's current stream, c10::InferenceMode for blocks that do not
// declare BRICK_BLOCK_NEEDS_GRAD, and a crash frame naming the call. The
// switches below are process-wide.
#pragma once

namespace brick::host {

// Debug sync (`brick run --debug-sync`, BRICK_DEBUG_SYNC=1): after every
// plugin block on a CUDA pipeline the host synchronises the pipeline's stream
// and checks for a CUDA error, so an asynchronous fault is reported as an
// Error naming the block that launched it instead of surfacing later in
// another block. Costs the overlap of host and device; off by default.
void set_debug_sync(bool enabled);
// Whether it is on: set_debug_sync's value, else BRICK_DEBUG_SYNC ("1",
// "true", "yes" or "on"), read once.
bool debug_sync();

}  // namespace brick::host
