// test_throwing: blocks that fail in every way a C++ block can, to show the
// host reports each with the block's name and carries on.
#include <brick/plugin.h>

#include <stdexcept>

using brick::Components;
using brick::InputParam;
using brick::OutputParam;
using brick::PipelineState;

namespace {

class Explode : public brick::ModularPipelineBlocks {
 public:
  void operator()(Components&, PipelineState&) override { throw std::runtime_error("boom"); }
};

class ThrowsInt : public brick::ModularPipelineBlocks {
 public:
  void operator()(Components&, PipelineState&) override { throw 42; }
};

class ThrowsBrickError : public brick::ModularPipelineBlocks {
 public:
  void operator()(Components&, PipelineState&) override {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, "strength must be in [0, 1], got 7");
  }
};

// Fails after a partial read: get_block_state succeeded, the block then
// asks for a value of the wrong type.
class WrongType : public brick::ModularPipelineBlocks {
 public:
  std::vector<InputParam> inputs() const override { return {InputParam("steps", "int").with_default("many")}; }
  void operator()(Components&, PipelineState& state) override {
    auto bs = get_block_state(state);
    (void)bs.get<int64_t>("steps");
  }
};

// Its constructor fails: creation reports it.
class BadConstructor : public brick::ModularPipelineBlocks {
 public:
  BadConstructor() { throw std::invalid_argument("no model file configured"); }
  void operator()(Components&, PipelineState&) override {}
};

// Cannot be copied, so it cannot become a pipeline (init_pipeline copies).
class NotCopyable : public brick::ModularPipelineBlocks {
 public:
  NotCopyable() = default;
  NotCopyable(const NotCopyable&) = delete;
  void operator()(Components&, PipelineState&) override {}
};

// Counts its runs, to show the plugin keeps working after a failure.
class Counter : public brick::ModularPipelineBlocks {
 public:
  std::vector<OutputParam> intermediate_outputs() const override { return {OutputParam("runs", "int")}; }
  void operator()(Components&, PipelineState& state) override {
    auto bs = get_block_state(state);
    bs.set("runs", ++runs_);
    set_block_state(state, bs);
  }

 private:
  int64_t runs_ = 0;
};

}  // namespace

BRICK_PLUGIN("test_throwing", "0.0.1", "Blocks that fail") {
  plugin.add<Explode>("Explode");
  plugin.add<ThrowsInt>("ThrowsInt");
  plugin.add<ThrowsBrickError>("ThrowsBrickError");
  plugin.add<WrongType>("WrongType");
  plugin.add<BadConstructor>("BadConstructor");
  plugin.add<NotCopyable>("NotCopyable");
  plugin.add<Counter>("Counter");
}
