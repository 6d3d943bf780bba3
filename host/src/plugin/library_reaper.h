// The reaper: one thread that shuts down and dlclose's unloadable plugin
// generations once their last reference has gone. A generation's last
// reference may drop anywhere (a tensor deleter on a LibTorch thread, a
// pipeline destroyed inside a callback); unloading there would pull code out
// from under frames that may still return into it, so ~Plugin only queues
// the job and this thread does the work.
#pragma once

#include <functional>
#include <mutex>

namespace brick::host::detail {

// Queues `job` for the reaper thread (started on first use).
void reap(std::function<void()> job);
// Returns once every job queued so far has run.
void wait_for_reaper();

// The mutex that orders every open, entry call, shutdown and close of a
// plugin library: a library loaded again while its previous generation is
// being reaped sees either the whole unload or none of it.
std::recursive_mutex& library_mutex();

// True once exit() has begun (after the reaper's first use): generations
// released by static destructors are then kept mapped instead of reaped.
bool process_exiting();

}  // namespace brick::host::detail
