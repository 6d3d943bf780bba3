// Checklist items 1-5, 9, 12, 13 of the semantics reference: how composites
// merge their sub-blocks' declarations.
#include <gtest/gtest.h>

#include "brick/host/blocks/combine.h"
#include "composition_support.h"

namespace brick::test {
namespace {

using host::Value;

TEST(Checklist01, AgreeingDuplicatesCollapseToTheFirstParamUnchanged) {
  host::InputParam first = input("prompt", Value(), true, "first description");
  host::InputParam second = input("prompt", Value(), false, "second description");
  auto combined = host::combine_inputs({{"a", {first}}, {"b", {second}}});
  ASSERT_EQ(combined.size(), 1u);
  EXPECT_EQ(combined[0], first);
  EXPECT_EQ(combined[0].description, "first description");
  EXPECT_FALSE(combined[0].defaults_by_block.has_value());
}

TEST(Checklist02, NoneAgainstFiveGivesDefaultNoneAndDefaultsByBlock) {
  auto combined = host::combine_inputs({{"a", {input("x")}}, {"b", {input("x", 5)}}});
  ASSERT_EQ(combined.size(), 1u);
  EXPECT_TRUE(combined[0].default_value.is_none());
  ASSERT_TRUE(combined[0].defaults_by_block.has_value());
  EXPECT_EQ(Value::dict(*combined[0].defaults_by_block).repr(), "{'a': None, 'b': 5}");
}

TEST(Checklist03, AnyDisagreementRecordsEveryBlocksDefault) {
  auto combined =
      host::combine_inputs({{"block-a", {input("x", 1)}}, {"block-b", {input("x", 2)}}, {"block-c", {input("x", 1)}}});
  ASSERT_TRUE(combined[0].defaults_by_block.has_value());
  EXPECT_EQ(Value::dict(*combined[0].defaults_by_block).repr(), "{'block-a': 1, 'block-b': 2, 'block-c': 1}");
  // The blocks' own params are not touched (a copy carries the merge).
  auto again = host::combine_inputs({{"block-a", {input("x", 1)}}});
  EXPECT_EQ(again[0].default_value, Value(1));
}

TEST(Checklist04, NestedDefaultsByBlockAreRekeyedOuterDotInner) {
  // test_composition.ImageAuto merges strength 0.9999 (inpaint) and 0.3
  // (img2img); an outer auto block merges it again with 0.5.
  auto outer =
      auto_blocks(named(std::pair{std::string("image"), test_host().create_block("test_composition.ImageAuto")},
                        std::pair{std::string("text"), step(R"({"inputs": [{"name": "strength", "default": 0.5}]})")}),
                  {"image", std::nullopt});
  const auto inputs = outer->inputs();
  const host::InputParam* strength = nullptr;
  for (const auto& p : inputs) {
    if (p.name == "strength") strength = &p;
  }
  ASSERT_NE(strength, nullptr);
  ASSERT_TRUE(strength->defaults_by_block.has_value());
  EXPECT_EQ(Value::dict(*strength->defaults_by_block).repr(),
            "{'image.inpaint': 0.9999, 'image.img2img': 0.3, 'text': 0.5}");
}

TEST(Checklist05, CombineOutputsFirstWinsUnlessALaterOneAddsAKwargsType) {
  auto combined = host::combine_outputs({{"a", {output("x"), output("y", "tag_a")}},
                                         {"b", {output("x", "denoiser_input_fields"), output("y", "tag_b")}}});
  ASSERT_EQ(combined.size(), 2u);
  EXPECT_EQ(combined[0].name, "x");
  EXPECT_EQ(combined[0].kwargs_type, "denoiser_input_fields");  // untagged x gained a tag
  EXPECT_EQ(combined[1].kwargs_type, "tag_a");                  // tagged y kept the first
}

TEST(Checklist09, AutoBlocksRefuseADefaultNameAndMismatchedLists) {
  try {
    host::AutoPipelineBlocks("MyAuto", named(std::pair{std::string("a"), step("{}")}), {std::nullopt}, "a");
    FAIL() << "a default_block_name was accepted";
  } catch (const host::Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "In MyAuto, do not set `default_block_name` for AutoPipelineBlocks. Use `None` in "
              "`block_trigger_inputs` to specify the default block.");
  }
  try {
    host::AutoPipelineBlocks("MyAuto", named(std::pair{std::string("a"), step("{}")}), {"x", "y"});
    FAIL() << "mismatched lists were accepted";
  } catch (const host::Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "In MyAuto, the number of block_classes, block_names, and block_trigger_inputs must be the same.");
  }
  try {
    host::ConditionalPipelineBlocks("MyCond", named(std::pair{std::string("a"), step("{}")}), {"x"}, "b");
    FAIL() << "an unknown default was accepted";
  } catch (const host::Error& e) {
    EXPECT_EQ(std::string(e.what()), "In MyCond, default_block_name 'b' must be one of block_names: ['a']");
  }
}

TEST(Checklist12, SequentialKeepsTheFirstDeclarationOfADuplicateName) {
  auto seq = sequential(
      named(std::pair{std::string("a"), step(R"({"inputs": [{"name": "x", "default": 1, "required": true}]})")},
            std::pair{std::string("b"), step(R"({"inputs": [{"name": "x", "default": 2, "description": "later"}]})")}));
  auto inputs = seq->inputs();
  ASSERT_EQ(inputs.size(), 1u);
  EXPECT_EQ(inputs[0].default_value, Value(1));
  EXPECT_TRUE(inputs[0].required);
  EXPECT_FALSE(inputs[0].defaults_by_block.has_value());  // no merging in a sequence
}

TEST(Checklist13, ConditionalRequiresOnlyWhatEveryBranchRequires) {
  auto make = [](std::vector<std::optional<std::string>> triggers) {
    return auto_blocks(
        named(
            std::pair{
                std::string("a"),
                step(R"({"inputs": [{"name": "image", "required": true}, {"name": "prompt", "required": true}]})")},
            std::pair{std::string("b"), step(R"({"inputs": [{"name": "prompt", "required": true}]})")}),
        std::move(triggers));
  };
  auto with_default = make({"image", std::nullopt});
  EXPECT_EQ(with_default->required_inputs(), std::vector<std::string>{"prompt"});
  for (const auto& p : with_default->inputs()) EXPECT_EQ(p.required, p.name == "prompt") << *p.name;

  auto skippable = make({"image", "prompt"});
  EXPECT_TRUE(skippable->required_inputs().empty());
  for (const auto& p : skippable->inputs()) EXPECT_FALSE(p.required) << *p.name;
}

}  // namespace
}  // namespace brick::test
