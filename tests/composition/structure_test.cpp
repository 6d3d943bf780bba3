// Checklist items 10, 11, 14, 34, 35: what a sequence and a loop present as
// their interface, and editing sub-blocks.
#include <gtest/gtest.h>

#include "brick/host/pipeline/modular_pipeline.h"
#include "composition_support.h"

namespace brick::test {
namespace {

using host::Value;

TEST(Checklist10, AnInputProducedByAnEarlierBlockIsNotAPipelineInput) {
  auto seq = sequential(named(
      std::pair{std::string("prepare"), step(R"({"inputs": [{"name": "seed"}], "outputs": [{"name": "latents"}]})")},
      std::pair{std::string("denoise"),
                step(R"({"inputs": [{"name": "latents", "required": true}, {"name": "prompt"}]})")}));
  EXPECT_EQ(seq->input_names(), (std::vector<std::string>{"seed", "prompt"}));
  std::string doc = seq->doc();
  std::string inputs_section = doc.substr(0, doc.find("  Outputs:"));
  EXPECT_EQ(inputs_section.find("latents ("), std::string::npos) << doc;
  EXPECT_NE(doc.find("      latents (`None`):"), std::string::npos) << doc;  // an output
  // required_inputs keeps the produced name, as diffusers does (section 5.1).
  EXPECT_EQ(seq->required_inputs(), std::vector<std::string>{"latents"});
}

TEST(Checklist11, OutputsOfASkippableConditionalDoNotHideLaterInputs) {
  auto ip_adapter = auto_blocks(named(std::pair{std::string("ip"), step(R"({"inputs": [{"name": "ip_adapter_image"}],
                                                   "outputs": [{"name": "ip_adapter_embeds"}]})")}),
                                {"ip_adapter_image"});
  auto seq =
      sequential(named(std::pair{std::string("ip_adapter"), std::move(ip_adapter)},
                       std::pair{std::string("denoise"), step(R"({"inputs": [{"name": "ip_adapter_embeds"}]})")}));
  EXPECT_EQ(seq->input_names(), (std::vector<std::string>{"ip_adapter_image", "ip_adapter_embeds"}));
}

TEST(Checklist14, LoopInputsAndOutputs) {
  auto loop = test_host().create_block("test_composition.LoopWrapper");
  loop->sub_blocks().set("a", step(R"({"inputs": [{"name": "latents", "required": true}, {"name": "t"}],
                                       "outputs": [{"name": "noise_pred"}]})"));
  loop->sub_blocks().set("b", step(R"({"inputs": [{"name": "noise_pred"}, {"name": "latents", "required": true}],
                                       "outputs": [{"name": "latents"}]})"));
  // loop_inputs, then sub-block inputs not produced by an earlier sub-block;
  // latents appears once (the same param twice), noise_pred not at all.
  EXPECT_EQ(loop->input_names(), (std::vector<std::string>{"num_steps", "latents", "t"}));
  for (const auto& p : loop->inputs()) EXPECT_EQ(p.required, p.name == "latents") << *p.name;
  EXPECT_EQ(loop->output_names(), std::vector<std::string>{"latents"});  // the last sub-block's
  EXPECT_EQ(loop->intermediate_output_names(), (std::vector<std::string>{"noise_pred", "latents"}));
}

TEST(Checklist34, PipelineBlocksAreACopy) {
  auto seq = sequential(named(std::pair{std::string("a"), step(R"({"inputs": [{"name": "x"}]})")},
                              std::pair{std::string("b"), step(R"({"inputs": [{"name": "y"}]})")}));
  host::ModularPipeline pipe = seq->init_pipeline();
  std::string doc = pipe.doc();
  auto copy = pipe.blocks();
  copy->sub_blocks().pop("b");
  EXPECT_EQ(copy->input_names(), std::vector<std::string>{"x"});
  EXPECT_EQ(pipe.doc(), doc);
  EXPECT_NE(pipe.doc().find("y ("), std::string::npos);
}

TEST(Checklist35, PoppingASubBlockRemovesItsExclusiveInputs) {
  auto seq = sequential(named(
      std::pair{std::string("text_encoder"), step(R"({"inputs": [{"name": "prompt"}]})")},
      std::pair{std::string("ip_adapter"), step(R"({"inputs": [{"name": "ip_adapter_image"}, {"name": "prompt"}]})")}));
  EXPECT_EQ(seq->input_names(), (std::vector<std::string>{"prompt", "ip_adapter_image"}));
  host::BlockPtr popped = seq->sub_blocks().pop("ip_adapter");
  ASSERT_NE(popped, nullptr);
  EXPECT_EQ(seq->input_names(), std::vector<std::string>{"prompt"});
}

TEST(SubBlocks, InsertPopAndReplaceShowAtOnce) {
  auto seq = sequential(named(std::pair{std::string("a"), step(R"({"inputs": [{"name": "a"}]})")},
                              std::pair{std::string("b"), step(R"({"inputs": [{"name": "b"}]})")}));
  seq->sub_blocks().insert("canny", step(R"({"inputs": [{"name": "control_image"}]})"), 0);
  EXPECT_EQ(names_in(*seq), (std::vector<std::string>{"canny", "a", "b"}));
  EXPECT_EQ(seq->input_names(), (std::vector<std::string>{"control_image", "a", "b"}));
  // Inserting an existing name moves it.
  seq->sub_blocks().insert("a", step(R"({"inputs": [{"name": "a2"}]})"), 99);
  EXPECT_EQ(names_in(*seq), (std::vector<std::string>{"canny", "b", "a"}));
  // Replacing keeps the position.
  seq->sub_blocks().set("b", step(R"({"inputs": [{"name": "b2"}]})"));
  EXPECT_EQ(seq->input_names(), (std::vector<std::string>{"control_image", "b2", "a2"}));
  try {
    seq->sub_blocks().pop("nope");
    FAIL();
  } catch (const host::Error& e) {
    EXPECT_EQ(e.status(), BRICK_ERR_NOT_FOUND);
    EXPECT_EQ(std::string(e.what()), "no sub-block named 'nope' (sub-blocks: canny, b, a)");
  }
}

TEST(SubBlocks, ComponentsAndConfigsAreFirstSeenUnions) {
  auto seq = sequential(
      named(std::pair{std::string("a"), step(R"({"components": [{"name": "unet", "type_hint": "UNet", "repo": "org/a"}],
                                           "configs": [{"name": "force_zeros", "default": true}]})")},
            std::pair{std::string("b"), step(R"({"components": [{"name": "unet", "type_hint": "Other", "repo": "org/a"},
                                                           {"name": "vae", "type_hint": "VAE", "repo": "org/a"}],
                                           "configs": [{"name": "force_zeros", "default": true}]})")},
            std::pair{std::string("c"), step(R"({"components": [{"name": "unet", "repo": "org/b"}]})")}));
  std::vector<std::string> components;
  for (const auto& c : seq->expected_components()) components.push_back(c.name + "@" + c.load_id());
  // Equal specs (name, load_id, creation method) collapse; a different
  // repo is another spec of the same name, as in diffusers.
  EXPECT_EQ(components,
            (std::vector<std::string>{"unet@org/a||null|null", "vae@org/a||null|null", "unet@org/b||null|null"}));
  EXPECT_EQ(seq->expected_configs().size(), 1u);
}

TEST(Sequential, ModelNameIsTheFirstSubBlocksThatHasOne) {
  auto seq = sequential(
      named(std::pair{std::string("a"), step("{}")}, std::pair{std::string("b"), step(R"({"model_name": "flux"})")}));
  EXPECT_EQ(seq->model_name(), "flux");
  seq->set_model_name("stable-diffusion-xl");
  EXPECT_EQ(seq->model_name(), "stable-diffusion-xl");
}

}  // namespace
}  // namespace brick::test
