// Checklist items 6-8 and 15-18: choosing branches at run time and
// statically (get_execution_blocks, workflows).
#include <gtest/gtest.h>

#include "brick/host/pipeline/modular_pipeline.h"
#include "composition_support.h"

namespace brick::test {
namespace {

using host::Kwargs;
using host::Value;

host::ConditionalPipelineBlocks& as_conditional(host::ModularPipelineBlocks& block) {
  return dynamic_cast<host::ConditionalPipelineBlocks&>(block);
}

TEST(Checklist06, ConditionalSelectBlockPriorityAndDefault) {
  // test_composition.Select implements select_block in the plugin.
  auto select = test_host().create_block("test_composition.Select", host::parse_json(R"({"default": "text2img"})"));
  auto& conditional = as_conditional(*select);
  EXPECT_EQ(conditional.select_block({{"mask", Value(1)}, {"image", Value(1)}}), "inpaint");
  EXPECT_EQ(conditional.select_block({{"mask", Value()}, {"image", Value(1)}}), "img2img");
  EXPECT_EQ(conditional.select_block({{"mask", Value()}, {"image", Value()}}), std::nullopt);

  auto pipe = select->init_pipeline();
  EXPECT_EQ(trace_of(pipe({{"mask", Value("m")}, {"image", Value("i")}})), std::vector<std::string>{"inpaint"});
  EXPECT_EQ(trace_of(pipe({})), std::vector<std::string>{"text2img"});
}

TEST(Checklist07, ConditionalWithoutADefaultMayBeSkipped) {
  auto select = test_host().create_block("test_composition.Select");
  EXPECT_EQ(select->get_execution_blocks({}), nullptr);
  host::BlockPtr chosen = select->get_execution_blocks({{"image", Value(true)}});
  ASSERT_NE(chosen, nullptr);
  EXPECT_EQ(chosen->class_name(), "Img2ImgBranch");

  LogCapture log;
  auto state = select->init_pipeline()({});
  EXPECT_TRUE(trace_of(state).empty());
  EXPECT_TRUE(log.contains("skipping conditional block: Select"));
}

TEST(Checklist08, AutoFirstPresentTriggerInListOrderWinsAndNoneMarksTheDefault) {
  auto image_auto = test_host().create_block("test_composition.ImageAuto");
  auto& conditional = as_conditional(*image_auto);
  EXPECT_EQ(conditional.default_block_name(), "text2img");
  auto pipe = image_auto->init_pipeline();
  EXPECT_EQ(trace_of(pipe({{"image", Value("i")}, {"mask_image", Value("m")}})), std::vector<std::string>{"inpaint"});
  EXPECT_EQ(trace_of(pipe({{"image", Value("i")}})), std::vector<std::string>{"img2img"});
  EXPECT_EQ(trace_of(pipe({})), std::vector<std::string>{"text2img"});
}

// A graph shaped like SDXL's: text_encoder, an optional image encoder, a
// core denoise sequence with a before_denoise auto block triggered by an
// intermediate (image_latents), and a loop that stays whole.
host::BlockPtr sdxl_like() {
  auto vae_encoder = auto_blocks(
      named(
          std::pair{std::string("img2img"), step(R"({"class_name": "VaeEncoder", "inputs": [{"name": "image"}],
                                                       "outputs": [{"name": "image_latents"}]})")},
          std::pair{std::string("last_frame"), step(R"({"class_name": "VaeEncoder", "inputs": [{"name": "last_image"}],
                                                          "outputs": [{"name": "image_latents"}]})")}),
      {"image", "last_image"}, "VaeEncoderAuto");
  auto before = auto_blocks(
      named(std::pair{std::string("img2img"),
                      sequential(
                          named(std::pair{std::string("set_timesteps"), step(R"({"class_name": "SetTimestepsI2I"})")},
                                std::pair{std::string("prepare_latents"), step(R"({"class_name": "PrepareI2I"})")}))},
            std::pair{
                std::string("text2img"),
                sequential(named(std::pair{std::string("set_timesteps"), step(R"({"class_name": "SetTimesteps"})")},
                                 std::pair{std::string("prepare_latents"), step(R"({"class_name": "PrepareT2I"})")}))}),
      {"image_latents", std::nullopt}, "BeforeDenoiseAuto");
  auto loop = test_host().create_block("test_composition.LoopWrapper");
  loop->sub_blocks().set("step", test_host().create_block("test_composition.LoopBlock"));
  auto denoise = sequential(named(std::pair{std::string("before_denoise"), std::move(before)},
                                  std::pair{std::string("denoise"), std::move(loop)}));
  auto root = sequential(named(
      std::pair{std::string("text_encoder"), step(R"({"class_name": "TextEncoder", "inputs": [{"name": "prompt"}]})")},
      std::pair{std::string("vae_encoder"), std::move(vae_encoder)},
      std::pair{std::string("denoise"), std::move(denoise)},
      std::pair{std::string("decode"), step(R"({"class_name": "Decode"})")}));
  root->set_class_name("SdxlLikeBlocks");
  root->set_workflow_map(
      {{"text2image", {{{"prompt", Value(true)}}}},
       {"image2image",
        {{{"image", Value(true)}, {"prompt", Value(true)}}, {{"last_image", Value(true)}, {"prompt", Value(true)}}}}});
  return root;
}

std::vector<std::string> flat_names(const host::BlockPtr& blocks) { return names_in(*blocks); }

TEST(Checklist15, ExecutionBlocksAreFlatDottedNamesWithoutBranchNamesAndLoopsStayWhole) {
  auto root = sdxl_like();
  auto flat = root->get_execution_blocks({{"prompt", Value("a cat")}});
  EXPECT_EQ(flat->class_name(), "SequentialPipelineBlocks");
  EXPECT_EQ(flat_names(flat),
            (std::vector<std::string>{"text_encoder", "denoise.before_denoise.set_timesteps",
                                      "denoise.before_denoise.prepare_latents", "denoise.denoise", "decode"}));
  EXPECT_EQ(flat->sub_blocks().at("denoise.before_denoise.prepare_latents").class_name(), "PrepareT2I");
  EXPECT_EQ(flat->sub_blocks().at("denoise.denoise").class_name(), "LoopWrapper");
  EXPECT_EQ(flat->sub_blocks().at("denoise.denoise").sub_blocks().size(), 1u);
}

TEST(Checklist16, LeafOutputsTriggerLaterConditionals) {
  auto root = sdxl_like();
  // image -> the vae encoder runs and produces image_latents -> img2img.
  auto flat = root->get_execution_blocks({{"image", Value(true)}});
  EXPECT_EQ(flat_names(flat),
            (std::vector<std::string>{"text_encoder", "vae_encoder", "denoise.before_denoise.set_timesteps",
                                      "denoise.before_denoise.prepare_latents", "denoise.denoise", "decode"}));
  EXPECT_EQ(flat->sub_blocks().at("denoise.before_denoise.prepare_latents").class_name(), "PrepareI2I");
  EXPECT_EQ(flat->sub_blocks().at("vae_encoder").class_name(), "VaeEncoder");
}

TEST(Checklist17, GetWorkflowEqualsGetExecutionBlocksOfItsTriggers) {
  auto root = sdxl_like();
  EXPECT_EQ(root->available_workflows(), (std::vector<std::string>{"text2image", "image2image"}));
  EXPECT_EQ(flat_names(root->get_workflow("image2image")),
            flat_names(root->get_execution_blocks({{"image", Value(true)}, {"prompt", Value(true)}})));
  try {
    root->get_workflow("inpainting");
    FAIL();
  } catch (const host::Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "Workflow 'inpainting' not found in SdxlLikeBlocks. Available workflows: ['text2image', 'image2image']");
  }
  auto plain = sequential(named(std::pair{std::string("a"), step("{}")}));
  try {
    plain->get_workflow("x");
    FAIL();
  } catch (const host::Error& e) {
    EXPECT_EQ(e.status(), BRICK_ERR_UNSUPPORTED);
    EXPECT_EQ(std::string(e.what()),
              "workflows is not supported because _workflow_map is not set for SequentialPipelineBlocks");
  }
  EXPECT_THROW(step("{}")->get_execution_blocks({}), host::Error);
}

TEST(Checklist18, AlternativeSpellingsResolveToTheSameBlocks) {
  auto root = sdxl_like();
  auto first = root->get_execution_blocks({{"image", Value(true)}, {"prompt", Value(true)}});
  auto second = root->get_execution_blocks({{"last_image", Value(true)}, {"prompt", Value(true)}});
  ASSERT_EQ(flat_names(first), flat_names(second));
  for (const std::string& name : flat_names(first)) {
    EXPECT_EQ(first->sub_blocks().at(name).class_name(), second->sub_blocks().at(name).class_name()) << name;
  }
  EXPECT_EQ(first->sub_blocks().at("denoise.before_denoise.prepare_latents").class_name(), "PrepareI2I");
  EXPECT_EQ(flat_names(root->get_workflow("image2image")), flat_names(first));
}

TEST(Workflows, PluginSequenceWithWorkflowsAndAnotherPluginsBlock) {
  auto blocks = test_host().create_block("test_composition.Workflows");
  EXPECT_EQ(names_in(*blocks), (std::vector<std::string>{"text_encoder", "vae_encoder", "pass"}));
  EXPECT_EQ(blocks->sub_blocks().at("pass").class_name(), "PassThrough");
  EXPECT_EQ(blocks->available_workflows(), (std::vector<std::string>{"text2image", "image2image", "inpainting"}));
  EXPECT_EQ(blocks->output_names(), std::vector<std::string>{"image_latents"});
  auto inpainting = blocks->get_workflow("inpainting");
  EXPECT_EQ(inpainting->sub_blocks().at("vae_encoder").class_name(), "InpaintStep");
}

}  // namespace
}  // namespace brick::test
