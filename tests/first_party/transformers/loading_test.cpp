// A diffusers folder through the real host: model_index.json names
// ["transformers", "CLIPTextModel"], ["transformers", "CLIPTokenizer"], ...,
// and those type hints resolve to this plugin's types with no mapping;
// ModularPipeline loads every component, runs them, and saves a copy that
// loads again.
#include <ATen/ops/equal.h>

#include <fstream>

#include "brick/host/pipeline/modular_pipeline.h"
#include "transformers_test_support.h"

using namespace transformers_test;
using brick::host::ComponentSpec;
using brick::host::ModularPipeline;

namespace {

// A host-written leaf block that declares SDXL's text components, as
// diffusers' StableDiffusionXLTextEncoderStep does.
class TextComponents : public brick::host::ModularPipelineBlocks {
 public:
  std::string class_name() const override { return "TextComponents"; }
  std::vector<ComponentSpec> expected_components() const override {
    std::vector<ComponentSpec> specs;
    for (auto [name, type] : {std::pair{"text_encoder", "transformers.CLIPTextModel"},
                              {"text_encoder_2", "transformers.CLIPTextModelWithProjection"},
                              {"tokenizer", "transformers.CLIPTokenizer"},
                              {"tokenizer_2", "transformers.CLIPTokenizer"}}) {
      ComponentSpec spec;
      spec.name = name;
      spec.type_hint = type;
      specs.push_back(spec);
    }
    return specs;
  }
  void operator()(brick::host::Components&, brick::host::PipelineState&) override {}
  std::unique_ptr<ModularPipelineBlocks> clone() const override { return std::make_unique<TextComponents>(*this); }
};

brick::host::PipelineOptions options() {
  brick::host::PipelineOptions o;
  o.component_types = host().component_types();
  return o;
}

// An SDXL-shaped diffusers folder made of the fixtures.
void make_diffusers_folder(const fs::path& root) {
  copy_folder(model_folder("clip_quick_gelu_legacy"), root / "text_encoder");
  copy_folder(model_folder("clip_projection"), root / "text_encoder_2");
  copy_folder(kTokenizerFolder, root / "tokenizer");
  copy_folder(kTokenizerFolder, root / "tokenizer_2");
  std::ofstream(root / "tokenizer_2" / "special_tokens_map.json", std::ios::trunc) << R"({"pad_token": "!"})";
  std::ofstream(root / "model_index.json") << R"({
  "_class_name": "StableDiffusionXLPipeline",
  "_diffusers_version": "0.30.0",
  "text_encoder": ["transformers", "CLIPTextModel"],
  "text_encoder_2": ["transformers", "CLIPTextModelWithProjection"],
  "tokenizer": ["transformers", "CLIPTokenizer"],
  "tokenizer_2": ["transformers", "CLIPTokenizer"]
})";
}

void expect_runs(const ModularPipeline& pipe) {
  Value ids = pipe.component("tokenizer")
                  .as_object()
                  ->call("__call__",
                         Value::dict({{"text", "a photo of a cat!"}, {"padding", "max_length"}, {"truncation", true}}));
  Value ids_2 =
      pipe.component("tokenizer_2")
          .as_object()
          ->call("__call__",
                 Value::dict({{"text", "a photo of a cat!"}, {"padding", "max_length"}, {"truncation", true}}));
  // tokenizer_2 pads with "!" (id 0), and its "!" is that token too.
  EXPECT_EQ(tensor(ids, "input_ids")[0][6].item<int64_t>(), 256);
  EXPECT_EQ(tensor(ids_2, "input_ids")[0][6].item<int64_t>(), 0);
  EXPECT_EQ(tensor(ids_2, "input_ids")[0][76].item<int64_t>(), 0);
  EXPECT_EQ(tensor(ids, "input_ids")[0][76].item<int64_t>(), 49407);

  Value want = expected("clip_quick_gelu_legacy");
  Value out = pipe.component("text_encoder")
                  .as_object()
                  ->call("forward", Value::dict({{"input_ids", tensor(want, "input_ids")}}));
  EXPECT_LT(max_difference(tensor(out, "pooler_output"), tensor(want, "pooler_output")), 1e-4);
  Value want_2 = expected("clip_projection");
  Value out_2 =
      pipe.component("text_encoder_2")
          .as_object()
          ->call("forward", Value::dict({{"input_ids", tensor(want_2, "input_ids")}, {"output_hidden_states", true}}));
  EXPECT_LT(max_difference(tensor(out_2, "text_embeds"), tensor(want_2, "text_embeds")), 1e-4);
  // SDXL's prompt embeddings: the penultimate hidden state.
  const Value::List& states = out_2.find("hidden_states")->as_list();
  EXPECT_LT(max_difference(states[states.size() - 2].as_tensor(), tensor(want_2, "hidden_states.1")), 1e-4);
}

}  // namespace

TEST(TransformersLoading, TypeHintsResolveWithNoMapping) {
  std::vector<std::string> names = host().component_types()->names();
  for (const char* type :
       {"transformers.CLIPTokenizer", "transformers.CLIPTextModel", "transformers.CLIPTextModelWithProjection"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), type), names.end()) << type;
  }
}

TEST(TransformersLoading, ADiffusersFolderLoadsThroughModularPipeline) {
  TempDir dir;
  make_diffusers_folder(dir / "sdxl");
  ModularPipeline pipe = ModularPipeline::from_pretrained(dir / "sdxl", std::make_unique<TextComponents>(), options());
  EXPECT_EQ(pipe.get_component_spec("text_encoder").type_hint, "transformers.CLIPTextModel");
  EXPECT_EQ(pipe.get_component_spec("tokenizer").type_hint, "transformers.CLIPTokenizer");
  brick::host::LoadReport report = pipe.load_components();
  ASSERT_TRUE(report.ok()) << report.failed[0].first << ": " << report.failed[0].second;
  EXPECT_EQ(report.loaded.size(), 4u);
  EXPECT_EQ(pipe.component("text_encoder").as_object()->class_name(), "CLIPTextModel");
  EXPECT_EQ(pipe.component("text_encoder_2").as_object()->class_name(), "CLIPTextModelWithProjection");
  EXPECT_EQ(pipe.component("tokenizer").as_object()->class_name(), "CLIPTokenizer");
  expect_runs(pipe);

  // save_pretrained writes each component's folder; the copy loads again.
  pipe.save_pretrained(dir / "copy");
  EXPECT_TRUE(fs::exists(dir / "copy" / "tokenizer_2" / "vocab.json"));
  EXPECT_TRUE(fs::exists(dir / "copy" / "tokenizer_2" / "merges.txt"));
  EXPECT_TRUE(fs::exists(dir / "copy" / "text_encoder_2" / "model.safetensors"));
  ModularPipeline copy = ModularPipeline::from_pretrained(dir / "copy", std::make_unique<TextComponents>(), options());
  report = copy.load_components();
  ASSERT_TRUE(report.ok()) << report.failed[0].first << ": " << report.failed[0].second;
  expect_runs(copy);
}

TEST(TransformersLoading, AFailingComponentIsReportedWithItsFolder) {
  TempDir dir;
  make_diffusers_folder(dir / "sdxl");
  fs::remove(dir / "sdxl" / "tokenizer" / "merges.txt");
  ModularPipeline pipe = ModularPipeline::from_pretrained(dir / "sdxl", std::make_unique<TextComponents>(), options());
  brick::host::LoadReport report = pipe.load_components();
  ASSERT_EQ(report.failed.size(), 1u);
  EXPECT_EQ(report.failed[0].first, "tokenizer");
  EXPECT_NE(report.failed[0].second.find((dir / "sdxl" / "tokenizer" / "merges.txt").string()), std::string::npos)
      << report.failed[0].second;
  EXPECT_TRUE(pipe.component("tokenizer").is_none());
  EXPECT_FALSE(pipe.component("tokenizer_2").is_none());
}
