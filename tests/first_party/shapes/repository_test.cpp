// The modular repository the build made (plugins/shapes/tools): its index,
// its folders, and its components created from those folders through the
// host, alone and through a pipeline's load_components.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <ATen/ops/equal.h>

#include "brick/host/components/modular_repository.h"
#include "brick/host/components/safetensors.h"
#include "brick/host/pipeline/modular_pipeline.h"
#include "brick/host/value/json.h"
#include "shapes_test_support.h"

using namespace shapes_test;
namespace fs = std::filesystem;

namespace {

const fs::path kRepository = SHAPES_REPOSITORY;

Value read_json(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return brick::host::parse_json(text.str());
}

const brick::host::ModularIndexEntry* entry(const brick::host::ModularModelIndex& index, const std::string& name) {
  for (const auto& [key, item] : index.components) {
    if (key == name) return &item;
  }
  return nullptr;
}

}  // namespace

TEST(ShapesRepository, TheIndexNamesEveryComponent) {
  brick::host::ModularModelIndex index = brick::host::read_modular_model_index(kRepository);
  EXPECT_EQ(index.class_name, "ModularPipeline");
  EXPECT_EQ(index.blocks_class_name, std::optional<std::string>("ShapesAutoBlocks"));
  const std::pair<const char*, const char*> expected[] = {{"scheduler", "core.EulerDiscreteScheduler"},
                                                          {"text_encoder", "shapes.ShapesTextEncoder"},
                                                          {"unet", "shapes.ShapesDenoiser"},
                                                          {"vae", "shapes.PixelAutoencoder"}};
  ASSERT_EQ(index.components.size(), 4u);
  for (const auto& [name, type_hint] : expected) {
    const brick::host::ModularIndexEntry* item = entry(index, name);
    ASSERT_TRUE(item) << name;
    EXPECT_EQ(item->spec.type_hint, type_hint);
    EXPECT_EQ(fs::path(item->spec.pretrained_model_name_or_path.value_or("")), kRepository) << name;
    EXPECT_EQ(item->spec.subfolder, name);
    EXPECT_TRUE(fs::is_regular_file(kRepository / name / "config.json")) << name;
  }
  EXPECT_TRUE(fs::is_regular_file(kRepository / "unet" / "model.safetensors"));
  // No leftovers of the temporary folders the tool renames into place.
  for (const auto& file : fs::directory_iterator(kRepository.parent_path())) {
    EXPECT_EQ(file.path().filename().string().find("shapes."), std::string::npos) << file.path();
  }
}

TEST(ShapesRepository, TheSchedulerIsStableDiffusions) {
  Value config = read_json(kRepository / "scheduler" / "config.json");
  EXPECT_EQ(config.find("_class_name")->as_string(), "EulerDiscreteScheduler");
  EXPECT_EQ(config.find("num_train_timesteps")->as_int(), 1000);
  EXPECT_DOUBLE_EQ(config.find("beta_start")->as_float(), 0.00085);
  EXPECT_DOUBLE_EQ(config.find("beta_end")->as_float(), 0.012);
  EXPECT_EQ(config.find("beta_schedule")->as_string(), "scaled_linear");
  EXPECT_EQ(config.find("timestep_spacing")->as_string(), "leading");
  EXPECT_EQ(config.find("steps_offset")->as_int(), 1);
  EXPECT_EQ(config.find("prediction_type")->as_string(), "epsilon");
}

TEST(ShapesRepository, ComponentsLoadFromTheirFolders) {
  brick::host::ModularModelIndex index = brick::host::read_modular_model_index(kRepository);
  auto types = host().component_types();
  for (const char* name : {"text_encoder", "unet", "vae", "scheduler"}) {
    const brick::host::ModularIndexEntry* item = entry(index, name);
    ASSERT_TRUE(item);
    if (!types->find(item->spec.type_hint)) {
      ASSERT_STREQ(name, "scheduler");  // core is not built in this tree
      continue;
    }
    std::shared_ptr<Object> object = types->load(item->spec);
    ASSERT_TRUE(object) << name;
    EXPECT_EQ(object->library() + "." + object->class_name(), item->spec.type_hint);
  }
  // The unet's weights are the dataset a fresh one generates; given to it
  // through load_state_dict, as the host does after reading the folder's
  // safetensors (done here too, so the test holds whether or not this
  // host's loader does it).
  std::shared_ptr<Object> unet = types->load(entry(index, "unet")->spec);
  brick::host::SafetensorsFile file = brick::host::read_safetensors(kRepository / "unet" / "model.safetensors");
  call(unet, "load_state_dict", {{"state_dict", Value::dict(file.tensors)}});
  Value loaded = unet->call("state_dict", Value());
  Value fresh = create("ShapesDenoiser")->call("state_dict", Value());
  EXPECT_TRUE(at::equal(loaded.find("images")->as_tensor(), fresh.find("images")->as_tensor()));
  EXPECT_TRUE(at::equal(loaded.find("labels")->as_tensor(), fresh.find("labels")->as_tensor()));
  EXPECT_EQ(unet->call("config", Value()), create("ShapesDenoiser")->call("config", Value()));
}

TEST(ShapesRepository, APipelineLoadsItAndRuns) {
  brick::host::PipelineOptions options;
  options.component_types = host().component_types();
  brick::host::ModularPipeline pipe = brick::host::ModularPipeline::from_pretrained(
      kRepository, host().create_block("shapes.TextEncoderStep"), options);
  brick::host::LoadReport report = pipe.load_components();
  ASSERT_TRUE(report.ok()) << report.failed[0].first << ": " << report.failed[0].second;
  at::Tensor embeds = pipe({{"prompt", "a green triangle"}}).get("prompt_embeds").as_tensor();
  EXPECT_EQ(embeds[0][kGreen].item<float>(), 1.0f);
  EXPECT_EQ(embeds[0][kTriangle].item<float>(), 1.0f);
  EXPECT_EQ(embeds.sum().item<float>(), 2.0f);
}
