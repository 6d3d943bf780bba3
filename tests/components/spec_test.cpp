// ComponentSpec (checklist 46), from_component, type hints, and the merge of
// the specs of several blocks (warning naming both blocks; strict mode).
#include <gtest/gtest.h>

#include "brick/host/base/error.h"
#include "brick/host/blocks/sequential_blocks.h"
#include "brick/host/params/component_spec.h"
#include "brick/host/pipeline/spec_merge.h"
#include "component_test_support.h"

using namespace brick::host;
using namespace brick::test;

TEST(ComponentSpec, LoadIdJoinsTheFourLoadingFieldsWithNullForNone) {
  EXPECT_EQ(loading_fields(),
            (std::vector<std::string>{"pretrained_model_name_or_path", "subfolder", "variant", "revision"}));
  ComponentSpec spec = pretrained("unet", "org/repo", "");
  EXPECT_EQ(spec.load_id(), "org/repo||null|null");
  spec.subfolder = "unet";
  spec.variant = "fp16";
  spec.revision = "main";
  EXPECT_EQ(spec.load_id(), "org/repo|unet|fp16|main");
  EXPECT_EQ(pretrained("unet", std::nullopt, "unet").load_id(), "null|unet|null|null");
  EXPECT_EQ(from_config("guider", "test.ConfigObject").load_id(), "null");
}

TEST(ComponentSpec, DecodeLoadIdReversesIt) {
  std::optional<LoadFields> fields = decode_load_id("org/repo|unet|null|v1");
  ASSERT_TRUE(fields);
  EXPECT_EQ(fields->pretrained_model_name_or_path, "org/repo");
  EXPECT_EQ(fields->subfolder, "unet");
  EXPECT_FALSE(fields->variant);
  EXPECT_EQ(fields->revision, "v1");
  EXPECT_FALSE(decode_load_id("null"));
  EXPECT_FALSE(decode_load_id(""));
  EXPECT_FALSE(decode_load_id("a|b"));
}

TEST(ComponentSpec, EqualityUsesNameLoadIdAndMethodOnly) {
  // Two from_config specs of one name are equal even with other types/configs.
  EXPECT_EQ(from_config("guider", "A", Value::dict({{"x", 1}})), from_config("guider", "B"));
  // from_pretrained specs differ by repo or subfolder.
  EXPECT_NE(pretrained("unet", "org/a", "unet"), pretrained("unet", "org/b", "unet"));
  EXPECT_NE(pretrained("unet", "org/a", "unet"), pretrained("unet", "org/a", "unet2"));
  // The type does not count.
  EXPECT_EQ(pretrained("unet", "org/a", "unet", "X"), pretrained("unet", "org/a", "unet", "Y"));
  // Nor does the method alone when both load ids are "null"... but the method does.
  EXPECT_NE(from_config("unet", "X"), pretrained("unet", std::nullopt, ""));
}

TEST(ComponentSpec, TypeHintSplitsAtTheLastDotLosslessly) {
  for (const char* hint : {"", "Class", "lib.Class", "a.b.Class"}) {
    auto [library, cls] = split_type_hint(hint);
    EXPECT_EQ(join_type_hint(library, cls), hint);
  }
  auto [library, cls] = split_type_hint("diffusers.UNet2DConditionModel");
  EXPECT_EQ(library, "diffusers");
  EXPECT_EQ(cls, "UNet2DConditionModel");
  EXPECT_FALSE(split_type_hint("").first);
}

TEST(ComponentSpec, FromComponent) {
  auto tagged = std::make_shared<ConfigObject>(Value::dict({{"a", 1}}));
  tagged->set_load_id("/models/x|sched|null|null");
  ComponentSpec spec = spec_from_component("scheduler", Value(tagged));
  EXPECT_EQ(spec.default_creation_method, CreationMethod::FromPretrained);
  EXPECT_EQ(spec.pretrained_model_name_or_path, "/models/x");
  EXPECT_EQ(spec.subfolder, "sched");
  EXPECT_EQ(spec.type_hint, "test.ConfigObject");

  auto untagged = std::make_shared<ConfigObject>(Value::dict({{"a", 1}}));
  spec = spec_from_component("guider", Value(untagged));
  EXPECT_EQ(spec.default_creation_method, CreationMethod::FromConfig);
  EXPECT_EQ(spec.config, Value::dict({{"a", 1}}));
}

TEST(SpecMerge, LastWinsAtTheFirstPositionAndWarnsNamingBothBlocks) {
  LogCapture log;
  std::vector<DeclaredComponent> declared{{"TextEncoderStep", pretrained("text_encoder", "org/a", "te")},
                                          {"DenoiseStep", pretrained("unet", "org/a", "unet")},
                                          {"RefinerStep", pretrained("text_encoder", "org/b", "te")}};
  std::vector<ComponentSpec> merged = merge_component_specs(declared);
  ASSERT_EQ(merged.size(), 2u);
  EXPECT_EQ(merged[0].name, "text_encoder");
  EXPECT_EQ(merged[0].pretrained_model_name_or_path, "org/b");  // the last wins, as in diffusers
  EXPECT_EQ(merged[1].name, "unet");
  ASSERT_EQ(log.warnings().size(), 1u) << log.all();
  const std::string& w = log.warnings()[0];
  EXPECT_NE(w.find("'text_encoder'"), std::string::npos) << w;
  EXPECT_NE(w.find("'TextEncoderStep'"), std::string::npos) << w;
  EXPECT_NE(w.find("'RefinerStep'"), std::string::npos) << w;
  EXPECT_NE(w.find("'org/a'"), std::string::npos) << w;
  EXPECT_NE(w.find("'org/b'"), std::string::npos) << w;
}

TEST(SpecMerge, IdenticalDeclarationsDoNotWarn) {
  LogCapture log;
  ComponentSpec a = pretrained("unet", "org/a", "unet");
  ComponentSpec b = a;
  b.description = "another text for the same spec";
  merge_component_specs({{"A", a}, {"B", b}});
  merge_config_specs({{"A", ConfigSpec{"steps", 50, ""}}, {"B", ConfigSpec{"steps", 50, "x"}}});
  EXPECT_TRUE(log.warnings().empty()) << log.all();
}

TEST(SpecMerge, FromConfigSpecsWithDifferentTypesConflictToo) {
  LogCapture log;
  merge_component_specs({{"A", from_config("guider", "CFG")}, {"B", from_config("guider", "PAG")}});
  EXPECT_TRUE(log.any_contains("'guider'")) << log.all();
}

TEST(SpecMerge, StrictModeMakesAConflictAnError) {
  std::vector<DeclaredComponent> declared{{"A", pretrained("unet", "org/a", "unet")},
                                          {"B", pretrained("unet", "org/b", "unet")}};
  try {
    merge_component_specs(declared, SpecConflicts::Error);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), BRICK_ERR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(e.what()).find("block 'A'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("block 'B'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(merge_config_specs({{"A", ConfigSpec{"steps", 50, ""}}, {"B", ConfigSpec{"steps", 30, ""}}},
                                  SpecConflicts::Error),
               Error);
}

TEST(SpecMerge, ThePipelineMergesItsBlocksSpecsAndHonoursStrictMode) {
  // One leaf declaring one name twice.
  auto block = std::make_unique<SpecBlock>(
      "Twice", std::vector<ComponentSpec>{pretrained("unet", "org/a", "unet"), pretrained("unet", "org/b", "unet")});
  {
    LogCapture log;
    ModularPipeline pipe(block->clone());
    EXPECT_EQ(pipe.component_names(), std::vector<std::string>{"unet"});
    EXPECT_EQ(pipe.get_component_spec("unet").pretrained_model_name_or_path, "org/b");
    EXPECT_TRUE(log.any_contains("declared differently")) << log.all();
  }
  PipelineOptions strict;
  strict.strict_specs = true;
  EXPECT_THROW(ModularPipeline(block->clone(), strict), Error);
}

TEST(SpecMerge, ConflictsInABlockTreeNameBothLeafBlocks) {
  NamedBlocks inner;
  inner.emplace_back("unet_step", std::make_unique<SpecBlock>(
                                      "UNetStep", std::vector<ComponentSpec>{pretrained("unet", "org/a", "unet")}));
  NamedBlocks outer;
  outer.emplace_back("text_encoder",
                     std::make_unique<SpecBlock>(
                         "TextEncoderStep", std::vector<ComponentSpec>{pretrained("text_encoder", "org/a", "te")}));
  outer.emplace_back("denoise", std::make_unique<SequentialPipelineBlocks>(std::move(inner), "DenoiseStep"));
  outer.emplace_back("refiner", std::make_unique<SpecBlock>("RefinerStep", std::vector<ComponentSpec>{pretrained(
                                                                               "unet", "org/refiner", "unet")}));
  SequentialPipelineBlocks blocks(std::move(outer), "MyBlocks");

  std::vector<DeclaredComponent> declared = declared_components(blocks);
  ASSERT_EQ(declared.size(), 3u);
  EXPECT_EQ(declared[0].block, "text_encoder");
  EXPECT_EQ(declared[1].block, "denoise.unet_step");
  EXPECT_EQ(declared[2].block, "refiner");

  LogCapture log;
  ModularPipeline pipe(blocks.clone());
  EXPECT_EQ(pipe.component_names(), (std::vector<std::string>{"text_encoder", "unet"}));
  EXPECT_EQ(pipe.get_component_spec("unet").pretrained_model_name_or_path, "org/refiner");
  ASSERT_EQ(log.warnings().size(), 1u) << log.all();
  EXPECT_NE(log.warnings()[0].find("block 'denoise.unet_step'"), std::string::npos) << log.all();
  EXPECT_NE(log.warnings()[0].find("block 'refiner'"), std::string::npos) << log.all();
  PipelineOptions strict;
  strict.strict_specs = true;
  EXPECT_THROW(ModularPipeline(blocks.clone(), strict), Error);
}
