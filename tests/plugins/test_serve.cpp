// test_serve: blocks for the server's tests (tests/serve): one that takes
// the time it is told (to see two runs overlap, and to cancel a run in the
// middle of a loop of them) and one that kills its process with a signal,
// as a buggy third-party block does.
#include <brick/plugin.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <string>
#include <thread>

using brick::BlockState;
using brick::Components;
using brick::InputParam;
using brick::OutputParam;
using brick::PipelineState;

namespace {

int64_t monotonic_ns() {
  // steady_clock is CLOCK_MONOTONIC on Linux: comparable across processes.
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Sleeps `ms` milliseconds; says which process ran it and when.
class Sleep : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override { return "Sleeps ms milliseconds; outputs the pid and the start and end"; }
  std::vector<InputParam> inputs() const override {
    return {InputParam("ms", "int", "How long to sleep.").with_default(int64_t{0}),
            InputParam("value", "int", "Passed through to `result`.").with_default(int64_t{0})};
  }
  std::vector<OutputParam> intermediate_outputs() const override {
    return {OutputParam("pid", "int"), OutputParam("started_ns", "int"), OutputParam("ended_ns", "int"),
            OutputParam("result", "int")};
  }
  void operator()(Components& components, PipelineState& state) override {
    auto block_state = get_block_state(state);
    (*this)(components, block_state, brick::ValueRef());
    set_block_state(state, block_state);
  }
  void operator()(Components&, BlockState& block_state, brick::ValueRef) override {
    int64_t started = monotonic_ns();
    std::this_thread::sleep_for(std::chrono::milliseconds(block_state.get<int64_t>("ms")));
    block_state.set("pid", static_cast<int64_t>(getpid()));
    block_state.set("started_ns", started);
    block_state.set("ended_ns", monotonic_ns());
    block_state.set("result", block_state.get<int64_t>("value"));
  }
};

// Kills its process: SIGSEGV (default) or SIGABRT.
class Crash : public brick::ModularPipelineBlocks {
 public:
  std::string description() const override { return "Kills the process running it with a signal"; }
  std::vector<InputParam> inputs() const override {
    return {InputParam("signal", "str", "SIGSEGV or SIGABRT").with_default(std::string("SIGSEGV"))};
  }
  void operator()(Components&, PipelineState& state) override {
    auto block_state = get_block_state(state);
    std::raise(block_state.get<std::string>("signal") == "SIGABRT" ? SIGABRT : SIGSEGV);
  }
};

}  // namespace

BRICK_PLUGIN("test_serve", "1.0.0", "Blocks for the server's tests: a sleeper and a crasher") {
  plugin.add<Sleep>("Sleep");
  plugin.add<Crash>("Crash");
}
