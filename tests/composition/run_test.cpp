// Checklist items 21-33: running composed pipelines (defaults, required
// inputs, write-back, kwargs flow, the call's result and warnings).
#include <gtest/gtest.h>

#include "brick/host/pipeline/modular_pipeline.h"
#include "composition_support.h"

namespace brick::test {
namespace {

using host::Kwargs;
using host::PipelineState;
using host::Value;

std::string error_of(host::ModularPipeline& pipe, const Kwargs& kwargs) {
  try {
    pipe(kwargs);
  } catch (const host::Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Checklist21, RequiredInputMissingInsideASequence) {
  auto pipe = sequential(named(std::pair{std::string("a"), step(R"({"set": {"y": 1}, "outputs": [{"name": "y"}]})")},
                               std::pair{std::string("b"), step(R"({"class_name": "NeedsX",
                                                                    "inputs": [{"name": "x", "required": true}]})")}))
                  ->init_pipeline();
  EXPECT_EQ(error_of(pipe, {}), "Error in block 'test_composition.Step': Required input 'x' is missing");
}

TEST(Checklist22, RequiredWithADefaultNeverRaises) {
  // diffusers bug #14388, kept: the default satisfies `required`.
  auto pipe = sequential(named(std::pair{std::string("a"), step(R"({"inputs": [{"name": "steps", "default": 50,
                                                                                  "required": true}]})")}))
                  ->init_pipeline();
  EXPECT_EQ(pipe({}).get("steps"), Value(50));
}

TEST(Checklist23, EachBranchAppliesItsOwnDefaultAndWritesItBack) {
  auto pipe = test_host().create_block("test_composition.ImageAuto")->init_pipeline();
  EXPECT_EQ(pipe({{"image", Value("i")}}).get("strength"), Value(0.3));
  EXPECT_EQ(pipe({{"image", Value("i")}, {"mask_image", Value("m")}}).get("strength"), Value(0.9999));
  // The merged default is None: text2img declares no strength and leaves it.
  EXPECT_TRUE(pipe({}).get("strength").is_none());
}

TEST(Checklist24, AnExplicitKwargBeatsEveryBranchDefault) {
  auto pipe = test_host().create_block("test_composition.ImageAuto")->init_pipeline();
  EXPECT_EQ(pipe({{"image", Value("i")}, {"strength", Value(0.5)}}).get("strength"), Value(0.5));
}

TEST(Checklist25, ARebindPropagatesToTheStateAndLaterBlocks) {
  auto pipe =
      sequential(
          named(
              std::pair{std::string("resize"), step(R"({"inputs": [{"name": "image"}], "set": {"image": "resized"}})")},
              std::pair{std::string("encode"), step(R"({"inputs": [{"name": "image"}], "outputs": [{"name": "seen"}],
                                               "copy": {"seen": "image"}})")}))
          ->init_pipeline();
  PipelineState state = pipe({{"image", Value("original")}});
  EXPECT_EQ(state.get("image"), Value("resized"));
  EXPECT_EQ(state.get("seen"), Value("resized"));
}

TEST(Checklist26, ADeclaredOutputMissingFromTheBlockState) {
  auto pipe =
      sequential(named(std::pair{std::string("a"), step(R"({"outputs": [{"name": "latents"}]})")}))->init_pipeline();
  EXPECT_EQ(error_of(pipe, {}),
            "Error in block 'test_composition.Step': Intermediate output 'latents' is missing in "
            "block state");
}

TEST(Checklist27, UndeclaredAttributesNeverReachTheState) {
  auto pipe = sequential(named(std::pair{std::string("a"), step(R"({"inputs": [{"name": "x"}],
                                                                    "set": {"scratch": 1, "x": 2}})")}))
                  ->init_pipeline();
  PipelineState state = pipe({});
  EXPECT_FALSE(state.contains("scratch"));
  EXPECT_EQ(state.get("x"), Value(2));
}

TEST(Checklist28, AfterAOneBlockRunTheStateHoldsExactlyInputsAndOutputs) {
  auto pipe = sequential(named(std::pair{std::string("a"), step(R"({"inputs": [{"name": "x"}, {"name": "y",
                                                                      "default": 3}], "outputs": [{"name": "z"}],
                                                                    "set": {"z": 1, "scratch": 2}})")}))
                  ->init_pipeline();
  PipelineState state = pipe({});
  std::vector<std::string> keys;
  for (const auto& [key, value] : state.values()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"x", "y", "z"}));
}

host::ModularPipeline kwargs_pipeline() {
  return sequential(
             named(std::pair{std::string("produce"), step(R"({"outputs": [{"name": "a", "kwargs_type": "typea"}],
                                                                "set": {"a": 7}})")},
                   std::pair{std::string("consume"), step(R"({"inputs": [{"kwargs_type": "typea"}, {"name": "b"}],
                                      "outputs": [{"name": "seen_dict"}, {"name": "seen_a"}, {"name": "seen_b"}],
                                      "copy": {"seen_dict": "typea", "seen_a": "a", "seen_b": "b"}})")}))
      ->init_pipeline();
}

TEST(Checklist29, ATaggedOutputReachesTheKwargsDictAndTheAttribute) {
  auto pipe = kwargs_pipeline();
  PipelineState state = pipe({});
  EXPECT_EQ(state.get("seen_dict").repr(), "{'a': 7}");
  EXPECT_EQ(state.get("seen_a"), Value(7));
}

TEST(Checklist30, AValuePassedByNameWithoutATagIsNotInTheKwargsDict) {
  auto pipe = kwargs_pipeline();
  PipelineState state = pipe({{"b", Value(1)}});
  EXPECT_EQ(state.get("seen_b"), Value(1));
  EXPECT_EQ(state.get("seen_dict").repr(), "{'a': 7}");
}

TEST(Checklist31, PassingAKwargsDictTagsEachEntry) {
  auto pipe =
      sequential(named(std::pair{std::string("consume"),
                                 step(R"({"inputs": [{"kwargs_type": "typea"}], "outputs": [{"name": "seen_dict"}],
                                      "copy": {"seen_dict": "typea"}})")}))
          ->init_pipeline();
  PipelineState state = pipe({{"typea", Value::dict({{"p", Value(1)}, {"q", Value(2)}})}});
  EXPECT_EQ(state.get("seen_dict").repr(), "{'p': 1, 'q': 2}");
  EXPECT_EQ(Value::dict(state.get_by_kwargs("typea")).repr(), "{'p': 1, 'q': 2}");
}

TEST(Checklist32, OutputSelectionAndAPassedStateIsCopied) {
  auto pipe = sequential(named(std::pair{std::string("a"), step(R"({"inputs": [{"name": "x"}], "add": {"x": 1}})")}))
                  ->init_pipeline();
  EXPECT_EQ(pipe.output({{"x", Value(1)}}, "x"), Value(2));
  Value::Dict some = pipe.outputs({{"x", Value(1)}}, {"x", "missing"});
  EXPECT_EQ(Value::dict(some).repr(), "{'x': 2, 'missing': None}");
  PipelineState given;
  given.set("x", Value(10));
  EXPECT_EQ(pipe({}, &given).get("x"), Value(11));
  EXPECT_EQ(given.get("x"), Value(10));  // not mutated
  // A bad `output` type cannot be expressed: output() takes a name, outputs()
  // a list (diffusers' ValueError has no C++ counterpart).
}

TEST(Checklist33, UnknownInputsWarnAndTheRunStillHappens) {
  auto pipe = sequential(named(std::pair{std::string("a"), step(R"({"inputs": [{"name": "x"}], "add": {"x": 1}})")}))
                  ->init_pipeline();
  LogCapture log;
  PipelineState state = pipe({{"x", Value(1)}, {"nope", Value(2)}, {"other", Value(3)}});
  EXPECT_EQ(state.get("x"), Value(2));
  EXPECT_TRUE(log.contains("Unexpected input 'dict_keys(['nope', 'other'])' provided. This input will be ignored."));
}

TEST(Running, SequenceRunsInOrderAndAutoBranchesRunOnce) {
  auto pipe = sequential(named(std::pair{std::string("first"), step(R"({"trace": "first"})")},
                               std::pair{std::string("image"), test_host().create_block("test_composition.ImageAuto")},
                               std::pair{std::string("last"), step(R"({"trace": "last"})")}))
                  ->init_pipeline();
  EXPECT_EQ(trace_of(pipe({{"image", Value("i")}})), (std::vector<std::string>{"first", "img2img", "last"}));
  EXPECT_EQ(trace_of(pipe({})), (std::vector<std::string>{"first", "text2img", "last"}));
}

TEST(Running, AFailingSubBlockStopsTheSequenceAndKeepsTheHostRunning) {
  auto pipe = sequential(named(std::pair{std::string("ok"), step(R"({"trace": "ok"})")},
                               std::pair{std::string("bad"), step(R"({"fail": "no luck"})")},
                               std::pair{std::string("never"), step(R"({"trace": "never"})")}))
                  ->init_pipeline();
  EXPECT_EQ(error_of(pipe, {}), "Error in block 'test_composition.Step': no luck");
  EXPECT_EQ(
      trace_of(sequential(named(std::pair{std::string("again"), step(R"({"trace": "again"})")}))->init_pipeline()({})),
      std::vector<std::string>{"again"});
}

}  // namespace
}  // namespace brick::test
