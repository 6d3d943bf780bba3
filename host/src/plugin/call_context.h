// The host objects behind the ABI's opaque handles: brick_ctx, brick_block_state,
// and brick_value (a host Value).
//
// A brick_ctx lives for one call into a plugin. Everything the host hands the
// plugin as "borrowed" during that call (state values, strings, replaced block
// state values) is pinned here, so that borrowed handles stay valid until the
// call returns.
#pragma once

#include <cstdint>
#include <forward_list>
#include <optional>
#include <string>
#include <vector>

#include "brick/brick_abi.h"
#include "brick/host/blocks/block_state_exchange.h"
#include "brick/host/components/components.h"
#include "brick/host/state/block_state.h"
#include "brick/host/state/pipeline_state.h"

namespace brick::host {
class Plugin;
class LoopSequentialPipelineBlocks;
}  // namespace brick::host

// A block state lent to a plugin: the view get_block_state made (owned), or
// a loop's shared block state (borrowed). The plugin numbers slots after its
// own declaration; slot_map translates them when the view was made from
// another interface (a loop's merged one). -1: the view has no such slot.
struct brick_block_state {
  brick::host::BlockState* state = nullptr;
  brick_ctx* ctx = nullptr;
  const std::vector<int32_t>* slot_map = nullptr;  // nullptr: the same numbering
  std::optional<brick::host::BlockState> owned;

  // The view's slot for the plugin's slot, or -1.
  int64_t slot(uint32_t plugin_slot) const {
    if (!slot_map) return plugin_slot;
    return plugin_slot < slot_map->size() ? (*slot_map)[plugin_slot] : -1;
  }
};

struct brick_ctx {
  // A ctx is the thread's current one (host->current_ctx) from construction
  // to destruction; ctxs nest like the calls they serve.
  brick_ctx();
  ~brick_ctx();
  brick_ctx(const brick_ctx&) = delete;
  brick_ctx& operator=(const brick_ctx&) = delete;

  const brick::host::Plugin* plugin = nullptr;  // whose code runs (logs, DLPack keep-alive)
  std::string error;                            // set_error, or the last failed host call

  // A block call.
  const brick::host::LeafInterface* leaf = nullptr;
  brick::host::PipelineState* state = nullptr;
  brick::host::Components* components = nullptr;
  // How the plugin's slots map onto the leaf's (a loop wrapper's own slots
  // onto its merged interface); nullptr: the same.
  const std::vector<int32_t>* slot_map = nullptr;
  // A loop wrapper's call: the loop whose sub-blocks loop_step runs.
  brick::host::LoopSequentialPipelineBlocks* loop = nullptr;
  // A loop sub-block's call: the loop's shared block state and the
  // iteration's arguments.
  brick_block_state* loop_block_state = nullptr;
  const brick::host::Value* loop_args = nullptr;

  // The block state of get_block_state; a block that asks again gets more.
  std::optional<brick_block_state> block_state;
  std::forward_list<brick_block_state> more_block_states;
  std::vector<brick::host::Value> retired;       // values replaced in a block state
  std::forward_list<brick::host::Value> pinned;  // copies handed out as borrowed
  std::forward_list<std::string> strings;        // text handed out as borrowed

 private:
  brick_ctx* previous_;
};

namespace brick::host::detail {

// A brick_value is a host Value seen through the C ABI.
inline Value* value_of(brick_value v) { return reinterpret_cast<Value*>(v); }
inline brick_value handle_of(const Value* v) { return reinterpret_cast<brick_value>(const_cast<Value*>(v)); }

// The one host function table of the process.
const brick_host_api* host_api();

}  // namespace brick::host::detail
