// The host objects behind the ABI's opaque handles: brick_ctx, brick_block_state,
// and brick_value (a host Value).
//
// A brick_ctx lives for one call into a plugin. Everything the host hands the
// plugin as "borrowed" during that call (state values, strings, replaced block
// state values) is pinned here, so that borrowed handles stay valid until the
// call returns.
#pragma once

#include <forward_list>
#include <optional>
#include <string>
#include <vector>

#include "brick/brick_abi.h"
#include "brick/host/block_state.h"
#include "brick/host/block_state_exchange.h"
#include "brick/host/components.h"
#include "brick/host/pipeline_state.h"

namespace brick::host {
class Plugin;
}

struct brick_block_state {
  brick::host::BlockState state;
  brick_ctx* ctx;
};

struct brick_ctx {
  const brick::host::Plugin* plugin = nullptr;  // whose code runs (logs, DLPack keep-alive)
  std::string error;                            // set_error, or the last failed host call

  // A block call.
  const brick::host::LeafInterface* leaf = nullptr;
  brick::host::PipelineState* state = nullptr;
  brick::host::Components* components = nullptr;

  // The block state of get_block_state; a block that asks again gets more.
  std::optional<brick_block_state> block_state;
  std::forward_list<brick_block_state> more_block_states;
  std::vector<brick::host::Value> retired;            // values replaced in a block state
  std::forward_list<brick::host::Value> pinned;       // copies handed out as borrowed
  std::forward_list<std::string> strings;             // text handed out as borrowed
};

namespace brick::host::detail {

// A brick_value is a host Value seen through the C ABI.
inline Value* value_of(brick_value v) { return reinterpret_cast<Value*>(v); }
inline brick_value handle_of(const Value* v) { return reinterpret_cast<brick_value>(const_cast<Value*>(v)); }

// The one host function table of the process.
const brick_host_api* host_api();

}  // namespace brick::host::detail
