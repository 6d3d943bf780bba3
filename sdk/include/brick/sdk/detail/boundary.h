// The ABI boundary of the C++ layer: every call from the host into plugin
// code runs inside guard(), which turns any exception into a status plus a
// message. Part of brick/plugin.h.
#pragma once

#include <new>
#include <string>

#include "brick/sdk/value.h"

namespace brick::detail {

// The ctx of the host call running on this thread, kept by the host: the
// plugin needs no thread-local storage of its own (reload trap T2, and
// LeakSanitizer's trouble with many dlopen'ed TLS modules).
inline brick_ctx* current_ctx() { return host().current_ctx(); }

// Runs f, turning any exception into a status plus a message for the host.
template <class F>
brick_status guard(brick_ctx* ctx, F&& f) noexcept {
  try {
    f();
    return BRICK_OK;
  } catch (const Error& e) {
    host().set_error(ctx, e.what());
    return e.status();
  } catch (const c10::OutOfMemoryError& e) {
    // A device allocation (the CUDA caching allocator) failed.
    host().set_error(ctx, e.what_without_backtrace());
    return BRICK_ERR_DEVICE_OUT_OF_MEMORY;
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
