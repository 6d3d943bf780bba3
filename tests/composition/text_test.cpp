// Checklist items 19 and 20 (doc of merged blocks) and the container reprs
// (semantics reference section 6).
#include <gtest/gtest.h>

#include "composition_support.h"

namespace brick::test {
namespace {

using host::Value;

bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text + "\n").find("\n" + line + "\n") != std::string::npos;
}

TEST(Checklist19, MergedDefaultsRenderAsDependingOnTheWorkflow) {
  auto image_auto = test_host().create_block("test_composition.ImageAuto");
  std::string doc = image_auto->doc();
  EXPECT_TRUE(has_line(doc, "      strength (`float`, *optional*, defaults to 0.9999 or 0.3, depending on the workflow):"))
      << doc;
  EXPECT_TRUE(has_line(doc, "      mask_image (`None`, *optional*):")) << doc;  // required in one branch only

  // Distinct values only, in first-seen order.
  auto three = auto_blocks(named(std::pair{std::string("block-a"), step(R"({"inputs": [{"name": "x", "default": 1}]})")},
                                 std::pair{std::string("block-b"), step(R"({"inputs": [{"name": "x", "default": 2}]})")},
                                 std::pair{std::string("block-c"), step(R"({"inputs": [{"name": "x", "default": 1}]})")}),
                           {"p", "q", std::nullopt});
  EXPECT_TRUE(has_line(three->doc(), "      x (`None`, *optional*, defaults to 1 or 2, depending on the workflow):"))
      << three->doc();
}

TEST(Checklist19, SequenceWithWorkflowsDocIsExact) {
  auto seq = sequential(named(
      std::pair{std::string("encode"), step(R"({"inputs": [{"name": "prompt", "type_hint": "str", "required": true,
                                                             "description": "The prompt."}],
                                                "outputs": [{"name": "prompt_embeds", "type_hint": "Tensor"}]})")},
      std::pair{std::string("steps"), step(R"({"inputs": [{"name": "num_inference_steps", "type_hint": "int",
                                                            "default": 50}, {"name": "prompt_embeds"}],
                                               "outputs": [{"name": "images", "type_hint": "list",
                                                            "description": "The images."}]})")}));
  seq->set_class_name("TinyBlocks");
  seq->set_description("A tiny pipeline.");
  seq->set_workflow_map({{"text2image", {{{"prompt", Value(true)}}}},
                         {"unconditional", {{{"prompt", Value(false)}}}}});
  seq->set_outputs({output("images")});
  EXPECT_EQ(seq->doc(),
            "class TinyBlocks\n"
            "\n"
            "  A tiny pipeline.\n"
            "  \n"
            "  Supported workflows:\n"
            "    - `text2image`: requires `prompt`\n"
            "    - `unconditional`: default (no additional inputs required)\n"
            "\n"
            "  Inputs:\n"
            "      prompt (`str`):\n"
            "          The prompt.\n"
            "      num_inference_steps (`int`, *optional*, defaults to 50):\n"
            "          TODO: Add description.\n"
            "\n"
            "  Outputs:\n"
            "      images (`None`):\n"
            "          TODO: Add description.");
}

TEST(Checklist20, NamelessKwargsInputsRenderAsStarStarKwargsType) {
  auto seq = sequential(named(std::pair{
      std::string("denoise"), step(R"({"inputs": [{"kwargs_type": "denoiser_input_fields",
                                                    "description": "conditional model inputs"}]})")}));
  EXPECT_TRUE(has_line(seq->doc(), "      **denoiser_input_fields (`None`, *optional*):")) << seq->doc();
  EXPECT_TRUE(has_line(seq->doc(), "          conditional model inputs"));
}

const std::string kBanner = "  " + std::string(100, '=') + "\n";

TEST(Repr, SequenceWithTriggers) {
  auto seq = sequential(named(
      std::pair{std::string("a"), step(R"({"class_name": "StepA", "description": "First.\nSecond line."})")},
      std::pair{std::string("b"), test_host().create_block("test_composition.ImageAuto")}));
  seq->set_class_name("MyBlocks");
  seq->set_description("My pipeline");
  EXPECT_EQ(seq->repr(),
            "MyBlocks(\n  Class: SequentialPipelineBlocks\n\n" + kBanner +
                "  This pipeline contains blocks that are selected at runtime based on inputs.\n"
                "  Trigger Inputs: ['image', 'mask_image']\n"
                "  Use `get_execution_blocks()` to see selected blocks (e.g. `get_execution_blocks(image=...)`).\n" +
                kBanner +
                "\n\n"
                "  Description: My pipeline\n"
                "\n\n"
                "  Sub-Blocks:\n"
                "    [0] a (StepA)\n"
                "       Description: First.\n"
                "                   Second line.\n\n"
                "    [1] b (ImageAuto)\n"
                "       Description: Encodes the image when there is one\n\n"
                ")");
}

TEST(Repr, AutoBlocksMarkTheDefault) {
  auto image_auto = test_host().create_block("test_composition.ImageAuto");
  EXPECT_EQ(image_auto->repr(),
            "ImageAuto(\n  Class: AutoPipelineBlocks\n\n" + kBanner +
                "  This pipeline contains blocks that are selected at runtime based on inputs.\n"
                "  Trigger Inputs: ['image', 'mask_image']\n" +
                kBanner +
                "\n\n"
                "  Description: Encodes the image when there is one\n"
                "\n\n"
                "  Sub-Blocks:\n"
                "    \u2022 inpaint (InpaintStep)\n       Description: \n\n"
                "    \u2022 img2img (Img2ImgStep)\n       Description: \n\n"
                "    \u2022 text2img [default] (Text2ImgStep)\n       Description: \n\n"
                ")");
}

TEST(Repr, PlainSequenceNamesItsPythonBaseAndListsComponents) {
  auto seq = sequential(named(std::pair{
      std::string("a"), step(R"({"class_name": "StepA", "components": [{"name": "unet", "type_hint": "UNet",
                                                                         "repo": "org/model", "subfolder": "unet"}],
                                 "configs": [{"name": "force_zeros", "default": true}]})")}));
  EXPECT_EQ(seq->repr(),
            "SequentialPipelineBlocks(\n  Class: ModularPipelineBlocks\n"
            "\n"
            "  Description: \n"
            "\n\n"
            "  Components:\n"
            "      unet (`UNet`) [pretrained_model_name_or_path=org/model, subfolder=unet]"
            "\n\n"
            "  Configs:\n"
            "      force_zeros (default: True)"
            "\n\n"
            "  Sub-Blocks:\n"
            "    [0] a (StepA)\n       Description: \n\n"
            ")");
}

TEST(Repr, LeafIsItsConfigJson) {
  EXPECT_EQ(step(R"({"class_name": "StepA"})")->repr(),
            "StepA {\n  \"_class_name\": \"StepA\",\n  \"_diffusers_version\": \"0.40.0\"\n}\n");
}

TEST(Repr, LoopWrapper) {
  auto loop = test_host().create_block("test_composition.LoopWrapper");
  loop->sub_blocks().set("block1", test_host().create_block("test_composition.LoopBlock"));
  EXPECT_EQ(loop->repr(),
            "LoopWrapper(\n  Class: LoopSequentialPipelineBlocks\n"
            "\n"
            "  Description: I'm a loop!!\n"
            "\n\n"
            "  Sub-Blocks:\n"
            "    [0] block1 (LoopBlock)\n       Description: I'm a block used inside the `LoopWrapper` class\n\n"
            ")");
}

}  // namespace
}  // namespace brick::test
