// Loading diffusers folders: the fp16 variant and a sharded fp16 variant as
// diffusers' save_pretrained wrote them, a sharded folder made here,
// torch_dtype float32/float16/bfloat16, and the errors: a missing key, an
// unexpected key, a wrongly shaped one, a truncated file, a shard the index
// names but the folder lacks; each names the keys and the file.
#include <ATen/ops/equal.h>

#include <fstream>

#include "brick/host/base/error.h"
#include "diffusers_test_support.h"

using namespace diffusers_test;
using brick::host::LoadOptions;
using brick::host::read_safetensors;
using brick::host::write_safetensors;

namespace {

constexpr const char* kWeights = "diffusion_pytorch_model.safetensors";

Value encode_mean(const std::shared_ptr<Object>& vae) {
  Value e = expected("vae");
  return tensor(call(vae, "encode", {{"sample", *e.find("sample")}}), "mean");
}

std::string load_error(const fs::path& folder, std::optional<std::string> variant = std::nullopt) {
  try {
    load("AutoencoderKL", folder, {}, std::move(variant));
  } catch (const brick::host::Error& e) {
    return e.what();
  }
  return "";
}

// The vae fixture with its state dict changed by `edit`.
fs::path edited_vae(const TempDir& dir, const std::function<void(Value::Dict&)>& edit) {
  fs::path folder = dir / "vae";
  copy_folder(model_folder("vae"), folder);
  Value::Dict tensors = read_safetensors(folder / kWeights).tensors;
  for (auto& item : tensors) item.second = Value(item.second.as_tensor().clone());  // off the mapping we overwrite
  edit(tensors);
  write_safetensors(folder / kWeights, tensors);
  return folder;
}

TEST(Loading, Fp16VariantAsDiffusersWroteIt) {
  // diffusion_pytorch_model.fp16.safetensors, loaded in float32 (torch_dtype) and as stored.
  LoadOptions as_float32;
  as_float32.dtype = "float32";
  std::shared_ptr<Object> vae = load("AutoencoderKL", model_folder("vae_fp16"), as_float32, "fp16");
  EXPECT_EQ(vae->call("dtype", Value()).as_string(), "torch.float32");
  Value e = expected("vae");
  // float16 weights: the reference's float32 outputs within float16's precision.
  EXPECT_LT(max_difference(encode_mean(vae).as_tensor(), tensor(e, "mean")), 2e-2);
  std::shared_ptr<Object> stored = load("AutoencoderKL", model_folder("vae_fp16"), {}, "fp16");
  EXPECT_EQ(stored->call("dtype", Value()).as_string(), "torch.float16");
  // Without the variant the folder has no weights for this model.
  EXPECT_NE(load_error(model_folder("vae_fp16")).find("no *.safetensors"), std::string::npos)
      << load_error(model_folder("vae_fp16"));
}

TEST(Loading, ShardedFp16VariantThroughItsIndex) {
  // diffusion_pytorch_model.safetensors.index.fp16.json and its four shards,
  // as diffusers' save_pretrained(variant="fp16", max_shard_size=...) wrote them.
  LoadOptions as_float32;
  as_float32.dtype = "float32";
  std::shared_ptr<Object> sharded = load("AutoencoderKL", model_folder("vae_fp16_sharded"), as_float32, "fp16");
  std::shared_ptr<Object> single = load("AutoencoderKL", model_folder("vae_fp16"), as_float32, "fp16");
  EXPECT_TRUE(at::equal(encode_mean(sharded).as_tensor(), encode_mean(single).as_tensor()));
}

TEST(Loading, ShardedFolderMadeHere) {
  // The float32 vae split into two shards with an index, as diffusers names them.
  TempDir dir;
  fs::path folder = dir / "vae";
  fs::create_directories(folder);
  fs::copy_file(model_folder("vae") / "config.json", folder / "config.json");
  Value::Dict tensors = read_safetensors(model_folder("vae") / kWeights).tensors;
  Value::Dict first(tensors.begin(), tensors.begin() + tensors.size() / 2);
  Value::Dict second(tensors.begin() + tensors.size() / 2, tensors.end());
  const std::string a = "diffusion_pytorch_model-00001-of-00002.safetensors";
  const std::string b = "diffusion_pytorch_model-00002-of-00002.safetensors";
  write_safetensors(folder / a, first);
  write_safetensors(folder / b, second);
  std::string index = R"({"metadata": {"total_size": 0}, "weight_map": {)";
  for (size_t i = 0; i < tensors.size(); ++i) {
    index += (i ? ", \"" : "\"") + tensors[i].first + "\": \"" + (i < first.size() ? a : b) + "\"";
  }
  index += "}}";
  std::ofstream(folder / "diffusion_pytorch_model.safetensors.index.json") << index;
  std::shared_ptr<Object> vae = load("AutoencoderKL", folder);
  EXPECT_LT(max_difference(encode_mean(vae).as_tensor(), tensor(expected("vae"), "mean")), 1e-4);

  // A shard the index names but the folder lacks: the error names both.
  fs::remove(folder / b);
  std::string error = load_error(folder);
  EXPECT_NE(error.find(b), std::string::npos) << error;
  EXPECT_NE(error.find("safetensors.index.json"), std::string::npos) << error;
}

TEST(Loading, TorchDtype) {
  for (const char* dtype : {"float32", "float16", "bfloat16"}) {
    LoadOptions options;
    options.dtype = dtype;
    std::shared_ptr<Object> unet = load("UNet2DConditionModel", model_folder("sd1_unet"), options);
    EXPECT_EQ(unet->call("dtype", Value()).as_string(), std::string("torch.") + dtype);
  }
  // float16 on the CPU runs (LibTorch 1.13 lacks some half CPU kernels: bfloat16 is the CPU's 16-bit type).
  LoadOptions bf16;
  bf16.dtype = "bfloat16";
  std::shared_ptr<Object> unet = load("UNet2DConditionModel", model_folder("sd1_unet"), bf16);
  Value e = expected("sd1_unet");
  at::Tensor out = unet->call("forward", Value::dict({{"sample", *e.find("sample")},
                                                      {"timestep", *e.find("timestep")},
                                                      {"encoder_hidden_states", *e.find("encoder_hidden_states")}}))
                       .as_tensor();
  EXPECT_EQ(out.scalar_type(), at::kBFloat16);
  EXPECT_LT(max_difference(out, tensor(e, "out")), 0.25);  // bfloat16's 8 bits of mantissa
}

TEST(Loading, MissingKeyIsNamedWithTheFile) {
  TempDir dir;
  fs::path folder = edited_vae(dir, [](Value::Dict& t) {
    t.erase(std::remove_if(t.begin(), t.end(), [](const auto& i) { return i.first == "decoder.conv_out.bias"; }),
            t.end());
  });
  std::string error = load_error(folder);
  EXPECT_NE(error.find("missing keys (1): decoder.conv_out.bias"), std::string::npos) << error;
  EXPECT_NE(error.find(kWeights), std::string::npos) << error;
}

TEST(Loading, UnexpectedKeyIsNamed) {
  TempDir dir;
  fs::path folder =
      edited_vae(dir, [](Value::Dict& t) { t.emplace_back("decoder.extra.weight", Value(at::zeros({2}))); });
  std::string error = load_error(folder);
  EXPECT_NE(error.find("unexpected keys (1): decoder.extra.weight"), std::string::npos) << error;
  EXPECT_NE(error.find(kWeights), std::string::npos) << error;
}

TEST(Loading, WrongShapeIsNamed) {
  TempDir dir;
  fs::path folder = edited_vae(dir, [](Value::Dict& t) {
    for (auto& [name, v] : t) {
      if (name == "quant_conv.weight") v = Value(at::zeros({8, 8, 3, 3}));
    }
  });
  std::string error = load_error(folder);
  EXPECT_NE(error.find("quant_conv.weight has shape [8, 8, 3, 3], the config wants [8, 8, 1, 1]"), std::string::npos)
      << error;
  EXPECT_NE(error.find(kWeights), std::string::npos) << error;
}

TEST(Loading, TruncatedFileIsNamed) {
  TempDir dir;
  fs::path folder = dir / "vae";
  copy_folder(model_folder("vae"), folder);
  fs::resize_file(folder / kWeights, fs::file_size(folder / kWeights) - 100);
  std::string error = load_error(folder);
  EXPECT_NE(error.find(kWeights), std::string::npos) << error;
  EXPECT_NE(error.find("lie outside"), std::string::npos) << error;
}

TEST(Loading, FolderWithoutWeightsIsNotRandom) {
  TempDir dir;
  fs::create_directories(dir / "vae");
  fs::copy_file(model_folder("vae") / "config.json", dir / "vae" / "config.json");
  std::shared_ptr<Object> vae = load("AutoencoderKL", dir / "vae");
  try {
    encode_mean(vae);
    FAIL() << "a folder without weights ran";
  } catch (const brick::host::Error& e) {
    EXPECT_NE(std::string(e.what()).find("has no weights"), std::string::npos) << e.what();
  }
}

}  // namespace
