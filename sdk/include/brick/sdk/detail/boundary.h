// The ABI boundary of the C++ layer: every call from the host into plugin
// code runs inside guard(), which turns any exception into a status plus a
// message, and inside a CurrentCtx scope, which tells brick::log and DLPack
// exports which call they belong to. Part of brick/plugin.h.
#pragma once

#include <new>
#include <string>

#include "brick/sdk/value.h"

namespace brick::detail {

// The ctx of the block call running on this thread (brick/plugin.h defines it
// as a plain pointer: plugins keep no thread_local with a destructor, reload
// trap T2).
brick_ctx*& current_ctx();

struct CurrentCtx {
  explicit CurrentCtx(brick_ctx* ctx) : saved(current_ctx()) { current_ctx() = ctx; }
  ~CurrentCtx() { current_ctx() = saved; }
  CurrentCtx(const CurrentCtx&) = delete;
  CurrentCtx& operator=(const CurrentCtx&) = delete;
  brick_ctx* saved;
};

// Runs f, turning any exception into a status plus a message for the host.
template <class F>
brick_status guard(brick_ctx* ctx, F&& f) noexcept {
  try {
    f();
    return BRICK_OK;
  } catch (const Error& e) {
    host().set_error(ctx, e.what());
    return e.status();
  } catch (const c10::Error& e) {
    host().set_error(ctx, e.what_without_backtrace());
    return BRICK_ERR_BLOCK_FAILED;
  } catch (const std::bad_alloc&) {
    host().set_error(ctx, "out of memory");
    return BRICK_ERR_OUT_OF_MEMORY;
  } catch (const std::exception& e) {
    host().set_error(ctx, e.what());
    return BRICK_ERR_BLOCK_FAILED;
  } catch (...) {
    host().set_error(ctx, "unknown exception (not derived from std::exception)");
    return BRICK_ERR_BLOCK_FAILED;
  }
}

}  // namespace brick::detail
