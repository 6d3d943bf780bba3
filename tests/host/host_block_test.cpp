// A leaf block written in a custom host (against libbrick, no plugin) uses
// the same state exchange as plugin blocks, legacy split included.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "brick/host/base/error.h"
#include "brick/host/pipeline/modular_pipeline.h"

using namespace brick::host;

namespace {

InputParam param(const char* name, Value dflt = {}, bool required = false) {
  InputParam p;
  p.name = name;
  p.default_value = std::move(dflt);
  p.required = required;
  return p;
}

// steps (default 50), x (required); plain input `image`, intermediate input
// `batch_size` when legacy. Doubles batch_size, rebinds image, sets a scratch value.
class HostLeaf : public ModularPipelineBlocks {
 public:
  explicit HostLeaf(bool legacy) : legacy_(legacy) {}
  std::string class_name() const override { return "HostLeaf"; }
  std::vector<InputParam> inputs() const override {
    std::vector<InputParam> all{param("x", {}, true), param("steps", 50), param("image")};
    for (InputParam& p : intermediate_inputs()) all.push_back(std::move(p));
    return all;
  }
  std::vector<InputParam> intermediate_inputs() const override {
    return legacy_ ? std::vector<InputParam>{param("batch_size", 1)} : std::vector<InputParam>{};
  }
  std::vector<OutputParam> intermediate_outputs() const override { return {OutputParam{"y", "int", "", "", {}}}; }
  void operator()(Components&, PipelineState& state) override {
    BlockState bs = get_block_state(state);
    bs.set("y", bs.get("x")->as_int() * 2);
    bs.set("image", "replaced");
    bs.set("scratch", 1);
    if (legacy_) bs.set("batch_size", bs.get("batch_size")->as_int() * 2);
    set_block_state(state, bs);
  }
  std::unique_ptr<ModularPipelineBlocks> clone() const override { return std::make_unique<HostLeaf>(legacy_); }

 private:
  bool legacy_;
};

}  // namespace

TEST(HostBlock, FollowsTheLeafRules) {
  ModularPipeline pipe = HostLeaf(false).init_pipeline();
  PipelineState state = pipe({{"x", 21}, {"image", "original"}});
  EXPECT_EQ(state.get("y").as_int(), 42);
  EXPECT_EQ(state.get("steps").as_int(), 50);             // default written back
  EXPECT_EQ(state.get("image").as_string(), "replaced");  // rebound input written back
  EXPECT_FALSE(state.contains("scratch"));
  try {
    pipe({});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), BRICK_ERR_MISSING_INPUT);
    EXPECT_STREQ(e.what(), "Required input 'x' is missing");
  }
}

TEST(HostBlock, LegacyPlainInputsStayLocal) {
  PipelineState state = HostLeaf(true).init_pipeline()({{"x", 1}, {"image", "original"}, {"batch_size", 2}});
  EXPECT_EQ(state.get("image").as_string(), "original");
  EXPECT_EQ(state.get("batch_size").as_int(), 4);
  EXPECT_EQ(state.get("y").as_int(), 2);
}
