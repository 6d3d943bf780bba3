// Original single-file checkpoints (the LDM layout), written by diffusers'
// own diffusers-to-original converters from tiny models
// (../diffusers/make_fixtures.py `single_file`), loaded by the host as one
// file and converted in memory by each component type: the UNet and vae
// give diffusers' outputs within 1e-4, the CLIP text encoders the weights of
// their transformers folders exactly; without a config, the model type the
// keys show picks the real model's config.
#include "sdxl_test_support.h"

namespace sdxl_test {
namespace {

const fs::path kModels = kDiffusersFixtures / "models";

Value expected(const std::string& name) {
  return Value::dict(brick::host::read_safetensors(kDiffusersFixtures / "expected" / (name + ".safetensors")).tensors);
}

std::shared_ptr<Object> load(const std::string& type_hint, const fs::path& path, Value config = Value(),
                             const brick::host::LoadOptions& options = {}) {
  brick::host::ComponentSpec spec;
  spec.name = "component";
  spec.type_hint = type_hint;
  spec.pretrained_model_name_or_path = path.string();
  spec.config = std::move(config);
  return host().component_types()->load(spec, options);
}

Value config_json(const fs::path& folder) { return brick::host::parse_json(read_text(folder / "config.json")); }

void expect_same_weights(const std::shared_ptr<Object>& a, const std::shared_ptr<Object>& b) {
  Value one = call(a, "state_dict");
  Value two = call(b, "state_dict");
  ASSERT_EQ(one.as_dict().size(), two.as_dict().size());
  for (const auto& [name, tensor] : one.as_dict()) {
    const Value* other = two.find(name);
    ASSERT_NE(other, nullptr) << name;
    EXPECT_TRUE(at::equal(tensor.as_tensor(), other->as_tensor())) << name;
  }
}

void check_unet_and_vae(const std::string& name, bool added) {
  const fs::path file = kModels / (name + ".safetensors");
  Value reference = expected(name);
  auto unet = load("diffusers.UNet2DConditionModel", file, config_json(kModels / name / "unet"));
  Value::Dict kwargs = {{"sample", Value(tensor(reference, "sample"))},
                        {"timestep", Value(tensor(reference, "timestep"))},
                        {"encoder_hidden_states", Value(tensor(reference, "encoder_hidden_states"))}};
  if (added) {
    kwargs.emplace_back("added_cond_kwargs", Value::dict({{"text_embeds", Value(tensor(reference, "text_embeds"))},
                                                          {"time_ids", Value(tensor(reference, "time_ids"))}}));
  }
  EXPECT_LT(max_difference(call(unet, "forward", kwargs).as_tensor(), tensor(reference, "unet_out")), 1e-4);
  auto vae = load("diffusers.AutoencoderKL", file, config_json(kModels / "single_file_sd1" / "vae"));
  EXPECT_LT(max_difference(call(vae, "decode", {{"z", Value(tensor(reference, "z"))}}).as_tensor(),
                           tensor(reference, "vae_out")),
            1e-4);
}

TEST(SingleFile, StableDiffusion1UNetAndVaeMatchDiffusers) { check_unet_and_vae("single_file_sd1", false); }

TEST(SingleFile, StableDiffusionXLUNetAndVaeMatchDiffusers) { check_unet_and_vae("single_file_sdxl", true); }

TEST(SingleFile, TextEncodersAreTheirFoldersWeights) {
  // No config: the shapes give it (diffusers reads it from the model type).
  for (const auto& [file, folder, type] :
       {std::tuple{"single_file_sd1.safetensors", "single_file_sd1/text_encoder", "transformers.CLIPTextModel"},
        std::tuple{"single_file_sdxl.safetensors", "single_file_sdxl/text_encoder", "transformers.CLIPTextModel"},
        std::tuple{"single_file_sdxl.safetensors", "single_file_sdxl/text_encoder_2",
                   "transformers.CLIPTextModelWithProjection"}}) {
    SCOPED_TRACE(std::string(file) + " " + type);
    auto from_file = load(type, kModels / file);
    auto from_folder = load(type, kModels / folder);
    expect_same_weights(from_file, from_folder);
    Value::Dict ids = {{"input_ids", Value(at::arange(12).reshape({2, 6}) * 5)}, {"output_hidden_states", Value(true)}};
    Value a = call(from_file, "forward", ids);
    Value b = call(from_folder, "forward", ids);
    EXPECT_LT(max_difference(tensor(a, "last_hidden_state"), tensor(b, "last_hidden_state")), 1e-6);
    const char* pooled = std::string(type).find("Projection") != std::string::npos ? "text_embeds" : "pooler_output";
    EXPECT_LT(max_difference(tensor(a, pooled), tensor(b, pooled)), 1e-6);
  }
}

TEST(SingleFile, TorchDtypeAppliesToTheComponentsOwnTensors) {
  brick::host::LoadOptions options;
  options.dtype = "float64";
  const fs::path file = kModels / "single_file_sd1.safetensors";
  auto unet = load("diffusers.UNet2DConditionModel", file, config_json(kModels / "single_file_sd1" / "unet"), options);
  EXPECT_EQ(call(unet, "dtype").as_string(), "torch.float64");
  auto text_encoder = load("transformers.CLIPTextModel", file, Value(), options);
  Value weights = call(text_encoder, "state_dict");
  EXPECT_EQ(tensor(weights, "text_model.final_layer_norm.weight").scalar_type(), at::kDouble);
  Value reference = expected("single_file_sd1");
  at::Tensor out = call(unet, "forward",
                        {{"sample", Value(tensor(reference, "sample").to(at::kDouble))},
                         {"timestep", Value(tensor(reference, "timestep"))},
                         {"encoder_hidden_states", Value(tensor(reference, "encoder_hidden_states").to(at::kDouble))}})
                       .as_tensor();
  EXPECT_EQ(out.scalar_type(), at::kDouble);
  EXPECT_LT(max_difference(out, tensor(reference, "unet_out")), 1e-4);
}

TEST(SingleFile, WithoutAConfigTheKeysChooseTheModel) {
  // The tiny UNets are no real model: with the config of the model type
  // their keys show (SD 1.5's 320 channels, SDXL's 2816-wide added
  // embedding), their shapes are wrong, and the error says so.
  for (const auto& [file, wanted] :
       {std::pair{"single_file_sd1.safetensors", "320"}, std::pair{"single_file_sdxl.safetensors", "2816"}}) {
    try {
      load("diffusers.UNet2DConditionModel", kModels / file);
      ADD_FAILURE() << file << " loaded with a real model's config";
    } catch (const std::exception& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(wanted), std::string::npos) << message;
      EXPECT_NE(message.find(file), std::string::npos) << message;
    }
  }
}

}  // namespace
}  // namespace sdxl_test
