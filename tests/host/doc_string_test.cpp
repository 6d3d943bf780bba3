#include <gtest/gtest.h>

#include "brick/host/params/doc_string.h"
#include "test_support.h"

using brick::host::InputParam;
using brick::host::make_doc_string;
using brick::host::OutputParam;
using brick::host::Value;

namespace {
InputParam input(const char* name, const char* type, Value dflt = {}, bool required = false, const char* desc = "") {
  InputParam p;
  p.name = name;
  p.type_hint = type;
  p.default_value = std::move(dflt);
  p.required = required;
  p.description = desc;
  return p;
}
}  // namespace

TEST(DocString, EmptyBlock) { EXPECT_EQ(make_doc_string({}, {}, "", "Empty"), "class Empty\n\n\n\n"); }

TEST(DocString, ParamsAndOptionalMarkers) {
  InputParam strength = input("strength", "float");
  strength.defaults_by_block = Value::Dict{{"inpaint", 0.9999}, {"img2img", 0.3}, {"other", 0.9999}};
  InputParam kwargs;
  kwargs.kwargs_type = "denoiser_input_fields";
  kwargs.description = "conditional model inputs";
  OutputParam images;
  images.name = "images";
  images.type_hint = "list";
  EXPECT_EQ(make_doc_string({input("prompt", "str", {}, true, "The prompt."), input("num_inference_steps", "int", 50),
                             strength, input("output_type", "str", "pil"), kwargs},
                            {images}, "Runs.", "Blocks"),
            "class Blocks\n"
            "\n"
            "  Runs.\n"
            "\n"
            "  Inputs:\n"
            "      prompt (`str`):\n"
            "          The prompt.\n"
            "      num_inference_steps (`int`, *optional*, defaults to 50):\n"
            "          TODO: Add description.\n"
            "      strength (`float`, *optional*, defaults to 0.9999 or 0.3, depending on the workflow):\n"
            "          TODO: Add description.\n"
            "      output_type (`str`, *optional*, defaults to pil):\n"
            "          TODO: Add description.\n"
            "      **denoiser_input_fields (`None`, *optional*):\n"
            "          conditional model inputs\n"
            "\n"
            "  Outputs:\n"
            "      images (`list`):\n"
            "          TODO: Add description.");
}

TEST(DocString, WrapsAt115CodePoints) {
  // Two words of 57 two-byte characters fill one 115-column line: the wrap
  // counts characters, not bytes.
  std::string accented;
  for (int i = 0; i < 57; ++i) accented += "\xc3\xa9";
  std::string description = accented + " " + accented + " tail";
  std::string doc = make_doc_string({input("x", "int", {}, true, description.c_str())}, {}, "", "");
  EXPECT_NE(doc.find(accented + " " + accented + "\n          tail"), std::string::npos) << doc;
}

// diffusers prints a component's type_hint.__name__: the class, without the
// library brick's type hints carry ("transformers.CLIPTextModel").
TEST(DocString, AComponentTypePrintsAsItsClassName) {
  auto spec = [](const char* name, const char* type_hint) {
    brick::host::ComponentSpec c;
    c.name = name;
    c.type_hint = type_hint;
    return c;
  };
  std::vector<brick::host::ComponentSpec> components{spec("text_encoder", "transformers.CLIPTextModel"),
                                                     spec("unet", "diffusers.UNet2DConditionModel"),
                                                     spec("guider", "ClassifierFreeGuidance"), spec("weights", "")};
  components[1].pretrained_model_name_or_path = "stable-diffusion-v1-5/stable-diffusion-v1-5";
  components[1].subfolder = "unet";
  EXPECT_EQ(make_doc_string({}, {}, "", "Step", components),
            "class Step\n"
            "\n"
            "  Components:\n"
            "      text_encoder (`CLIPTextModel`)\n"
            "      unet (`UNet2DConditionModel`) [pretrained_model_name_or_path=stable-diffusion-v1-5/"
            "stable-diffusion-v1-5, subfolder=unet]\n"
            "      guider (`ClassifierFreeGuidance`)\n"
            "      weights (`None`)\n"
            "\n"
            "\n"
            "\n");
  EXPECT_EQ(brick::host::component_type_name("transformers.CLIPTokenizer"), "CLIPTokenizer");
  EXPECT_EQ(brick::host::component_type_name("brick.SafetensorsWeights"), "SafetensorsWeights");
  EXPECT_EQ(brick::host::component_type_name(""), "None");
}

TEST(DocString, PluginBlockDeclaringEverything) {
  auto block = brick::test::test_host().create_block("test_blocks.DeclaresAll");
  EXPECT_EQ(block->doc(),
            "class DeclaresAll\n"
            "\n"
            "  First line.\n"
            "  Second line.\n"
            "  \n"
            "   Indented third.\n"
            "\n"
            "  Components:\n"
            "      unet (`UNet2DConditionModel`): the denoiser [pretrained_model_name_or_path=org/sdxl, "
            "subfolder=unet, variant=fp16]\n"
            "      guider (`ClassifierFreeGuidance`)\n"
            "\n"
            "  Configs:\n"
            "      force_zeros_for_empty_prompt (default: True)\n"
            "      mode (default: fast): speed mode\n"
            "\n"
            "  Inputs:\n"
            "      prompt (`str`):\n"
            "          The prompt or prompts to guide the image generation.\n"
            "      num_inference_steps (`int`, *optional*, defaults to 50):\n"
            "          TODO: Add description.\n"
            "      strength (`float`, *optional*, defaults to 0.9999):\n"
            "          " +
                std::string(30, 'x') +
                "\n"
                "          " +
                std::string(100, 'y') +
                " z\n"
                "      output_type (`str`, *optional*, defaults to pil):\n"
                "          TODO: Add description.\n"
                "      sigmas (`list`, *optional*, defaults to [1.0, 0.5]):\n"
                "          TODO: Add description.\n"
                "      anything (``, *optional*):\n"
                "          TODO: Add description.\n"
                "      **denoiser_input_fields (`None`, *optional*):\n"
                "          conditional model inputs\n"
                "\n"
                "  Outputs:\n"
                "      images (`list`):\n"
                "          The generated images.\n"
                "      prompt_embeds (`Tensor`):\n"
                "          TODO: Add description.");
  EXPECT_EQ(block->model_name(), "test");
  EXPECT_EQ(block->component_names(), (std::vector<std::string>{"unet", "guider"}));
  EXPECT_EQ(block->required_inputs(), (std::vector<std::string>{"prompt"}));
  auto components = block->expected_components();
  EXPECT_EQ(components[0].load_id(), "org/sdxl|unet|fp16|null");
  EXPECT_EQ(components[1].load_id(), "null");
  EXPECT_EQ(components[1].config.find("guidance_scale")->as_float(), 7.5);
  EXPECT_EQ(block->inputs()[5].metadata.find("mellon")->as_string(), "slider");
}

TEST(DocString, ParamReprs) {
  EXPECT_EQ(input("strength", "float", 0.3).repr(), "<strength: optional, default=0.3>");
  EXPECT_EQ(input("prompt", "str", {}, true).repr(), "<prompt: required, default=None>");
  OutputParam o;
  o.name = "latents";
  EXPECT_EQ(o.repr(), "<latents: None>");
}
