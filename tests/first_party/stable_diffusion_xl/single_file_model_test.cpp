// A whole model from one original checkpoint file (docs/models.md,
// "Single-file checkpoints"): SD 2.x files (OpenCLIP text encoder under
// cond_stage_model.model), the model type told from the keys as diffusers'
// infer_diffusers_model_type tells it, the configs from a repository the
// user names, the default repository in the Hugging Face cache or the
// built-in ones, and `brick run PIPELINE --model FILE.safetensors` end to end.
// The tiny SD 2.x file was written by diffusers' own converter script
// (../diffusers/make_fixtures.py single_file_sd2).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <map>
#include <optional>

#include "../../cli/run_brick.h"
#include "brick/host/components/single_file_checkpoint.h"
#include "brick/host/pipeline/target.h"
#include "sdxl_test_support.h"

namespace sdxl_test {
namespace {

const fs::path kModels = kDiffusersFixtures / "models";
const fs::path kSd2File = kModels / "single_file_sd2.safetensors";
const std::string kSd15 = std::string(BRICK_SOURCE_DIR) + "/pipelines/sd15.json";
const std::string kSdxl = std::string(BRICK_SOURCE_DIR) + "/pipelines/sdxl.json";
const fs::path kBuiltin = fs::path(BRICK_SOURCE_DIR) / "data" / "single_file";

std::shared_ptr<Object> load(const std::string& type_hint, const fs::path& path, Value config = Value()) {
  brick::host::ComponentSpec spec;
  spec.name = "component";
  spec.type_hint = type_hint;
  spec.pretrained_model_name_or_path = path.string();
  spec.config = std::move(config);
  return host().component_types()->load(spec, {});
}

Value config_json(const fs::path& folder) { return brick::host::parse_json(read_text(folder / "config.json")); }

Value::Dict file_tensors(const fs::path& file) { return brick::host::read_safetensors(file).tensors; }

// HF_HUB_CACHE set for the scope (the default repositories are looked for there).
class HubCache {
 public:
  explicit HubCache(const fs::path& dir) {
    if (const char* old = std::getenv("HF_HUB_CACHE")) old_ = old;
    setenv("HF_HUB_CACHE", dir.c_str(), 1);
  }
  ~HubCache() {
    if (old_) {
      setenv("HF_HUB_CACHE", old_->c_str(), 1);
    } else {
      unsetenv("HF_HUB_CACHE");
    }
  }

 private:
  std::optional<std::string> old_;
};

// A CLIP text encoder's transformers weights in OpenCLIP's layout under
// `prefix` (the inverse of diffusers' convert_open_clip_checkpoint: q/k/v
// fused into in_proj, the projection transposed).
void add_open_clip(Value::Dict& out, const Value& state_dict, const std::string& prefix) {
  const std::string layers = "text_model.encoder.layers.";
  std::map<std::string, std::array<at::Tensor, 3>> fused;
  for (const auto& [name, value] : state_dict.as_dict()) {
    at::Tensor t = value.as_tensor();
    std::string to;
    if (name == "text_model.embeddings.token_embedding.weight") {
      to = "token_embedding.weight";
    } else if (name == "text_model.embeddings.position_embedding.weight") {
      to = "positional_embedding";
    } else if (name.rfind("text_model.final_layer_norm.", 0) == 0) {
      to = "ln_final." + name.substr(28);
    } else if (name == "text_projection.weight") {
      to = "text_projection";
      t = t.t().contiguous();
    } else if (name.rfind(layers, 0) == 0) {
      const std::string rest = name.substr(layers.size());
      const std::string layer = rest.substr(0, rest.find('.'));
      std::string part = rest.substr(layer.size() + 1);
      const std::string block = "transformer.resblocks." + layer + ".";
      for (const auto& [q, index] :
           {std::pair{"self_attn.q_proj.", 0}, {"self_attn.k_proj.", 1}, {"self_attn.v_proj.", 2}}) {
        if (part.rfind(q, 0) == 0) {
          fused[block + "attn.in_proj_" + part.substr(std::string(q).size())][index] = t;
          part.clear();
        }
      }
      if (part.empty()) continue;
      for (const auto& [from, into] : {std::pair{"self_attn.out_proj.", "attn.out_proj."},
                                       {"layer_norm1.", "ln_1."},
                                       {"layer_norm2.", "ln_2."},
                                       {"mlp.fc1.", "mlp.c_fc."},
                                       {"mlp.fc2.", "mlp.c_proj."}}) {
        if (part.rfind(from, 0) == 0) to = block + into + part.substr(std::string(from).size());
      }
    }
    ASSERT_FALSE(to.empty()) << name;
    out.emplace_back(prefix + to, Value(t));
  }
  for (const auto& [name, qkv] : fused) out.emplace_back(prefix + name, Value(at::cat({qkv[0], qkv[1], qkv[2]}, 0)));
}

// A text encoder on the real CLIP vocabulary (49408 tokens) and 77
// positions, so that the built-in tokenizer's ids fit: `width` wide, gelu
// (OpenCLIP's) or quick_gelu.
std::string clip_config(const std::string& architecture, int width, int layers, const char* act) {
  return R"({"architectures": [")" + architecture + R"("], "model_type": "clip_text_model", "hidden_size": )" +
         std::to_string(width) + R"(, "intermediate_size": 16, "num_hidden_layers": )" + std::to_string(layers) +
         R"(, "num_attention_heads": 2, "max_position_embeddings": 77, "vocab_size": 49408, "hidden_act": ")" + act +
         R"(", "layer_norm_eps": 1e-05, "bos_token_id": 49406, "eos_token_id": 49407, "pad_token_id": 1,
  "projection_dim": 8, "torch_dtype": "float32"})";
}

// The tensors of `file` whose names do not start with `drop`.
Value::Dict without(const fs::path& file, const std::string& drop) {
  Value::Dict kept;
  for (auto& [name, t] : file_tensors(file)) {
    if (name.rfind(drop, 0) != 0) kept.emplace_back(name, t);
  }
  return kept;
}

TEST(SingleFileStableDiffusion2, UNetAndVaeMatchDiffusers) {
  Value reference = Value::dict(
      brick::host::read_safetensors(kDiffusersFixtures / "expected" / "single_file_sd2.safetensors").tensors);
  auto unet = load("diffusers.UNet2DConditionModel", kSd2File, config_json(kModels / "single_file_sd2" / "unet"));
  at::Tensor out = call(unet, "forward",
                        {{"sample", Value(tensor(reference, "sample"))},
                         {"timestep", Value(tensor(reference, "timestep"))},
                         {"encoder_hidden_states", Value(tensor(reference, "encoder_hidden_states"))}})
                       .as_tensor();
  EXPECT_LT(max_difference(out, tensor(reference, "unet_out")), 1e-4);
  auto vae = load("diffusers.AutoencoderKL", kSd2File, config_json(kModels / "single_file_sd2" / "vae"));
  EXPECT_LT(max_difference(call(vae, "decode", {{"z", Value(tensor(reference, "z"))}}).as_tensor(),
                           tensor(reference, "vae_out")),
            1e-4);
}

TEST(SingleFileStableDiffusion2, TheTextEncoderIsItsFoldersWeights) {
  // The file holds 3 OpenCLIP layers, a text_projection and a logit_scale;
  // the folder the first 2 layers. With the folder's config (2 layers) and
  // without one (the shapes, less the last layer: SD 2.x conditions on the
  // penultimate one) the encoder is exactly the folder's.
  const fs::path folder = kModels / "single_file_sd2" / "text_encoder";
  auto from_folder = load("transformers.CLIPTextModel", folder);
  Value expected = call(from_folder, "state_dict");
  for (const bool with_config : {true, false}) {
    SCOPED_TRACE(with_config ? "the folder's config" : "no config");
    auto from_file = load("transformers.CLIPTextModel", kSd2File, with_config ? config_json(folder) : Value());
    Value weights = call(from_file, "state_dict");
    ASSERT_EQ(weights.as_dict().size(), expected.as_dict().size());
    for (const auto& [name, t] : expected.as_dict()) {
      const Value* other = weights.find(name);
      ASSERT_NE(other, nullptr) << name;
      EXPECT_TRUE(at::equal(t.as_tensor(), other->as_tensor())) << name;
    }
    Value config = call(from_file, "config");
    EXPECT_EQ(config.find("num_hidden_layers")->as_int(), 2);
    EXPECT_EQ(config.find("hidden_act")->as_string(), "gelu");
    Value::Dict ids = {{"input_ids", Value(at::arange(12).reshape({2, 6}) * 5)}};
    EXPECT_LT(max_difference(tensor(call(from_file, "forward", ids), "last_hidden_state"),
                             tensor(call(from_folder, "forward", ids), "last_hidden_state")),
              1e-6);
  }
}

TEST(SingleFileStableDiffusion2, WithoutAConfigTheKeysChooseStableDiffusion2) {
  // SD 2.1's UNet config (1024-wide cross attention, 320 channels) does not
  // fit the tiny file: the error says so, naming the file.
  try {
    load("diffusers.UNet2DConditionModel", kSd2File);
    ADD_FAILURE() << "the tiny SD 2.x UNet loaded with stable-diffusion-2-1's config";
  } catch (const std::exception& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("320"), std::string::npos) << message;
    EXPECT_NE(message.find("single_file_sd2.safetensors"), std::string::npos) << message;
  }
}

TEST(SingleFileModel, TheModelTypeIsToldFromTheKeys) {
  using brick::host::inspect_single_file;
  struct Case {
    fs::path file;
    const char* type;
    const char* repository;
    const char* builtin;
    const char* prediction;
  };
  for (const Case& c :
       {Case{kModels / "single_file_sd1.safetensors", "v1", "stable-diffusion-v1-5/stable-diffusion-v1-5",
             "stable-diffusion-v1-5", "epsilon"},
        Case{kSd2File, "v2", "stabilityai/stable-diffusion-2-1", "stable-diffusion-2-1", "v_prediction"},
        Case{kModels / "single_file_sdxl.safetensors", "xl_base", "stabilityai/stable-diffusion-xl-base-1.0",
             "stable-diffusion-xl-base-1.0", "epsilon"}}) {
    brick::host::SingleFileCheckpoint checkpoint = inspect_single_file(c.file);
    EXPECT_EQ(checkpoint.model_type, c.type) << c.file;
    EXPECT_EQ(checkpoint.default_repository, c.repository) << c.file;
    EXPECT_EQ(checkpoint.builtin, c.builtin) << c.file;
    EXPECT_EQ(checkpoint.prediction_type, c.prediction) << c.file;
  }
  TempDir dir;
  auto write = [&](const std::string& name, Value::Dict tensors) {
    brick::host::write_safetensors(dir / name, tensors);
    return dir / name;
  };
  const std::string conv_in = "model.diffusion_model.input_blocks.0.0.weight";
  const std::string open_clip = "cond_stage_model.model.transformer.resblocks.0.attn.in_proj_weight";
  // Inpainting: 9 input channels (latents, mask, masked image latents).
  auto inpainting = inspect_single_file(write(
      "inpainting_v2.safetensors", {{conv_in, Value(at::zeros({4, 9, 3, 3}))}, {open_clip, Value(at::zeros({6, 2}))}}));
  EXPECT_EQ(inpainting.model_type, "inpainting_v2");
  EXPECT_EQ(inpainting.default_repository, "stabilityai/stable-diffusion-2-inpainting");
  EXPECT_EQ(inpainting.prediction_type, "epsilon");
  EXPECT_EQ(
      inspect_single_file(write("inpainting.safetensors", {{conv_in, Value(at::zeros({4, 9, 3, 3}))}})).model_type,
      "inpainting");
  // SD 2.x 512-base: its last global_step (kept by a file converted from its .ckpt) means epsilon.
  auto base = inspect_single_file(write("base.safetensors", {{conv_in, Value(at::zeros({4, 4, 3, 3}))},
                                                             {open_clip, Value(at::zeros({6, 2}))},
                                                             {"global_step", Value(at::tensor(int64_t{875000}))}}));
  EXPECT_EQ(base.model_type, "v2");
  EXPECT_EQ(base.prediction_type, "epsilon");
  EXPECT_EQ(base.builtin, "stable-diffusion-2-base");
  // A 1024-wide cross attention alone (a UNet-only SD 2.x file) is SD 2.x too.
  EXPECT_EQ(inspect_single_file(write("unet_only.safetensors",
                                      {{conv_in, Value(at::zeros({4, 4, 3, 3}))},
                                       {"model.diffusion_model.input_blocks.2.1.transformer_blocks.0.attn2.to_k.weight",
                                        Value(at::zeros({2, 1024}))}}))
                .model_type,
            "v2");
  // Refused, naming the file and what is missing.
  for (const auto& [file, wanted] :
       {std::pair{
            write("refiner.safetensors", {{conv_in, Value(at::zeros({4, 4, 3, 3}))},
                                          {"conditioner.embedders.0.model.transformer.resblocks.0.attn.in_proj_weight",
                                           Value(at::zeros({6, 2}))}}),
            "refiner"},
        std::pair{write("text_encoder_only.safetensors", {{open_clip, Value(at::zeros({6, 2}))}}),
                  "model.diffusion_model.input_blocks.0.0.weight"}}) {
    try {
      inspect_single_file(file);
      ADD_FAILURE() << file;
    } catch (const brick::host::Error& e) {
      EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(wanted), std::string::npos) << e.what();
    }
  }
}

brick::host::PluginSearch plugin_search() {
  brick::host::PluginSearch search;
  search.dirs = {kPlugins};
  return search;
}

// A snapshot of `id` in a Hugging Face cache as `hf download` leaves it
// (plain files instead of links into blobs/: brick reads either).
fs::path hub_snapshot(const fs::path& cache, const std::string& id) {
  std::string folder = "models--" + id;
  folder.replace(folder.find('/'), 1, "--");
  const std::string commit(40, 'a');
  write_text(cache / folder / "refs" / "main", commit);
  return cache / folder / "snapshots" / commit;
}

std::optional<brick::host::ComponentSpec> spec_of(const brick::host::ModularPipeline& pipe, const std::string& name) {
  for (const auto& spec : pipe.component_specs()) {
    if (spec.name == name) return spec;
  }
  return std::nullopt;
}

TEST(SingleFileModel, TheConfigsComeFromTheCacheElseTheBuiltInOnes) {
  TempDir dir;
  HubCache cache(dir / "hub");
  const std::string file = kSd2File.string();
  brick::host::Target target = brick::host::open_target(kSd15, plugin_search());
  // A file that is not there is named.
  const fs::path gone = dir / "gone.safetensors";
  try {
    target.use_model(gone.string());
    ADD_FAILURE() << "use_model took a file that is not there";
  } catch (const brick::host::Error& e) {
    EXPECT_NE(std::string(e.what()).find("no file '" + gone.string() + "'"), std::string::npos) << e.what();
  }
  target.use_model(file);
  {
    // Nothing in the cache: the built-in configs of stable-diffusion-2-1.
    brick::host::ModularPipeline pipe = target.init_pipeline();
    for (const char* model : {"unet", "vae", "text_encoder"}) {
      EXPECT_EQ(spec_of(pipe, model)->pretrained_model_name_or_path, file) << model;
      EXPECT_TRUE(spec_of(pipe, model)->config.is_none()) << model;
    }
    const std::string tokenizer = *spec_of(pipe, "tokenizer")->pretrained_model_name_or_path;
    EXPECT_EQ(fs::path(tokenizer).filename(), "stable-diffusion-2-1") << tokenizer;
    auto report = pipe.load_components({"tokenizer", "scheduler"});
    EXPECT_TRUE(report.ok()) << report.failed.front().first << ": " << report.failed.front().second;
    // SD 2.x's tokenizer pads with "!" (id 0); the scheduler predicts v.
    Value ids = call(pipe.component("tokenizer").as_object(), "__call__",
                     {{"text", Value("a red circle")}, {"padding", Value("max_length")}, {"max_length", Value(8)}});
    EXPECT_EQ(tensor(ids, "input_ids")[0][7].item<int64_t>(), 0);
    EXPECT_EQ(tensor(ids, "input_ids")[0][1].item<int64_t>(), 320);  // "a</w>" in CLIP's vocabulary
    Value scheduler_config = call(pipe.component("scheduler").as_object(), "config");
    EXPECT_EQ(scheduler_config.find("prediction_type")->as_string(), "v_prediction");
  }
  {
    // A pipeline file whose own pretrained_model_name_or_path is the file,
    // relative to the pipeline file's folder.
    fs::copy_file(kSd2File, dir / "tiny-sd2.safetensors");
    std::string text = read_text(kSd15);
    const std::string repository = R"("pretrained_model_name_or_path": "stable-diffusion-v1-5/stable-diffusion-v1-5")";
    ASSERT_NE(text.find(repository), std::string::npos);
    text.replace(text.find(repository), repository.size(),
                 R"("pretrained_model_name_or_path": "tiny-sd2.safetensors")");
    brick::host::PipelineFile own = brick::host::PipelineFile::parse(text, "sd2_file.json", dir.path());
    ASSERT_TRUE(own.single_file());
    EXPECT_EQ(*own.single_file(), dir / "tiny-sd2.safetensors");
    brick::host::ModularPipeline pipe = own.init_pipeline(*target.host);
    EXPECT_TRUE(fs::equivalent(*spec_of(pipe, "unet")->pretrained_model_name_or_path, dir / "tiny-sd2.safetensors"));
    EXPECT_EQ(fs::path(*spec_of(pipe, "tokenizer")->pretrained_model_name_or_path).filename(), "stable-diffusion-2-1");
  }
  {
    // stabilityai/stable-diffusion-2-1 in the cache (configs only, as
    // `hf download --exclude "*.safetensors"` leaves it): its configs.
    const fs::path snapshot = hub_snapshot(dir / "hub", "stabilityai/stable-diffusion-2-1");
    write_text(snapshot / "model_index.json", read_text(kBuiltin / "stable-diffusion-2-1" / "model_index.json"));
    for (const char* model : {"unet", "vae", "text_encoder"}) {
      write_text(snapshot / model / "config.json", read_text(kModels / "single_file_sd2" / model / "config.json"));
    }
    write_text(snapshot / "scheduler" / "scheduler_config.json",
               R"({"_class_name": "DDIMScheduler", "beta_schedule": "scaled_linear", "beta_start": 0.00085,
                   "beta_end": 0.012, "prediction_type": "v_prediction", "steps_offset": 7})");
    brick::host::ModularPipeline pipe = target.init_pipeline();
    EXPECT_EQ(spec_of(pipe, "unet")->config.find("use_linear_projection")->as_bool(), true);
    EXPECT_EQ(spec_of(pipe, "unet")->config.find("_name_or_path"), nullptr);
    EXPECT_TRUE(fs::equivalent(*spec_of(pipe, "scheduler")->pretrained_model_name_or_path, snapshot));
    // The snapshot has no tokenizer: the built-in one stands in.
    EXPECT_EQ(fs::path(*spec_of(pipe, "tokenizer")->pretrained_model_name_or_path).filename(), "stable-diffusion-2-1");
    auto report = pipe.load_components();
    EXPECT_TRUE(report.ok()) << report.failed.front().first << ": " << report.failed.front().second;
    EXPECT_EQ(call(pipe.component("scheduler").as_object(), "config").find("steps_offset")->as_int(), 7);
    Value reference = Value::dict(
        brick::host::read_safetensors(kDiffusersFixtures / "expected" / "single_file_sd2.safetensors").tensors);
    at::Tensor out = call(pipe.component("unet").as_object(), "forward",
                          {{"sample", Value(tensor(reference, "sample"))},
                           {"timestep", Value(tensor(reference, "timestep"))},
                           {"encoder_hidden_states", Value(tensor(reference, "encoder_hidden_states"))}})
                         .as_tensor();
    EXPECT_LT(max_difference(out, tensor(reference, "unet_out")), 1e-4);
  }
}

std::string environment(const TempDir& dir) {
  // An empty Hugging Face cache: whatever the machine has, the test's folder
  // or the built-in configs are used.
  return "BRICK_REGISTRY_CACHE=" + (dir / "cache/").string() + " HF_HUB_CACHE=" + (dir / "hub").string();
}

bool is_png(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  char signature[8] = {};
  in.read(signature, 8);
  return in && std::string(signature, 8) == std::string("\x89PNG\r\n\x1a\n", 8);
}

// The tiny SD 2.x file with its text encoder replaced by one on CLIP's real
// vocabulary (3 OpenCLIP layers, of which the config keeps 2) in `dir`, and a
// --model-config folder with the UNet's, vae's and text encoder's configs
// and nothing else (the tokenizer and the scheduler are the built-in ones).
std::pair<fs::path, fs::path> write_tiny_sd2(const fs::path& dir) {
  const fs::path file = dir / "tiny-sd2.safetensors";
  Value::Dict tensors = without(kSd2File, "cond_stage_model.");
  const std::string wide = clip_config("CLIPTextModel", 8, 3, "gelu");
  add_open_clip(tensors, call(create("transformers.CLIPTextModel", wide), "state_dict"), "cond_stage_model.model.");
  brick::host::write_safetensors(file, tensors);
  const fs::path configs = dir / "configs";
  for (const char* model : {"unet", "vae"}) {
    write_text(configs / model / "config.json", read_text(kModels / "single_file_sd2" / model / "config.json"));
  }
  write_text(configs / "text_encoder" / "config.json", clip_config("CLIPTextModel", 8, 2, "gelu"));
  return {file, configs};
}

TEST(SingleFileModel, BrickRunsStableDiffusion2FromOneFile) {
  TempDir dir;
  const auto [file, configs] = write_tiny_sd2(dir.path());
  const fs::path output = dir / "sd2.png";
  cli_run::Result r =
      cli_run::brick("run " + kSd15 + " --model " + file.string() + " --model-config " + configs.string() +
                         " prompt=\"a red circle\" num_inference_steps=1 output=" + output.string(),
                     environment(dir));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(is_png(output)) << r.output;

  // --model-config names a single file's configs; a folder --model has its own.
  r = cli_run::brick("run " + kSd15 + " --model " + configs.string() + " --model-config " + configs.string(),
                     environment(dir));
  EXPECT_NE(r.status, 0);
  EXPECT_TRUE(cli_run::contains(r.output, "--model-config")) << r.output;
}

TEST(SingleFileModel, BrickRunsStableDiffusionXLFromOneFileWithTheBuiltInTokenizers) {
  // The tiny SDXL file with both text encoders on CLIP's real vocabulary
  // (the first in transformers' layout, the second in OpenCLIP's); configs
  // for the models from --model-config, both tokenizers and the scheduler
  // built in.
  TempDir dir;
  const fs::path file = dir / "tiny-sdxl.safetensors";
  Value::Dict tensors = without(kModels / "single_file_sdxl.safetensors", "conditioner.");
  const std::string one = clip_config("CLIPTextModel", 4, 2, "quick_gelu");
  const std::string two = clip_config("CLIPTextModelWithProjection", 4, 2, "gelu");
  const Value first = call(create("transformers.CLIPTextModel", one), "state_dict");
  for (const auto& [name, t] : first.as_dict()) {
    tensors.emplace_back("conditioner.embedders.0.transformer." + name, t);
  }
  add_open_clip(tensors, call(create("transformers.CLIPTextModelWithProjection", two), "state_dict"),
                "conditioner.embedders.1.model.");
  brick::host::write_safetensors(file, tensors);
  const fs::path configs = dir / "configs";
  write_text(configs / "unet" / "config.json", read_text(kModels / "single_file_sdxl" / "unet" / "config.json"));
  write_text(configs / "vae" / "config.json", read_text(kModels / "single_file_sd1" / "vae" / "config.json"));
  write_text(configs / "text_encoder" / "config.json", one);
  write_text(configs / "text_encoder_2" / "config.json", two);

  const fs::path output = dir / "sdxl.png";
  cli_run::Result r =
      cli_run::brick("run " + kSdxl + " --model " + file.string() + " --model-config " + configs.string() +
                         " prompt=\"a red circle\" num_inference_steps=1 output=" + output.string(),
                     environment(dir));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(is_png(output)) << r.output;
}

// One HTTP/1.1 request to 127.0.0.1:port; the whole answer ("" when none).
std::string http(uint16_t port, const std::string& method, const std::string& target, const std::string& body = {}) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    if (fd >= 0) close(fd);
    return {};
  }
  const std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                              "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                              "\r\n\r\n" + body;
  for (size_t sent = 0; sent < request.size();) {
    ssize_t n = write(fd, request.data() + sent, request.size() - sent);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string answer;
  char chunk[4096];
  for (ssize_t n; (n = read(fd, chunk, sizeof chunk)) > 0;) answer.append(chunk, static_cast<size_t>(n));
  close(fd);
  return answer;
}

// Reads `fd` into `text` until `marker` is in it (false at EOF or after 120 s).
bool read_until(int fd, std::string& text, const std::string& marker) {
  while (text.find(marker) == std::string::npos) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 120000) <= 0) return false;
    char chunk[4096];
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n <= 0) return false;
    text.append(chunk, static_cast<size_t>(n));
  }
  return true;
}

TEST(SingleFileModel, BrickServeServesAPipelineFromOneFile) {
  // `brick serve --pipeline sd=sd15.json --model sd=FILE --model-config
  // sd=DIR` as a user starts it, one run through the JSON API.
  TempDir dir;
  const auto [file, configs] = write_tiny_sd2(dir.path());
  int err[2];
  ASSERT_EQ(pipe(err), 0);
  const std::string pipeline = "sd=" + kSd15, model = "sd=" + file.string(), model_config = "sd=" + configs.string();
  const std::string hub = (dir / "hub").string(), registry = (dir / "cache/").string();
  pid_t pid = fork();
  if (pid == 0) {
    dup2(err[1], 2);
    close(err[0]);
    setenv("HF_HUB_CACHE", hub.c_str(), 1);
    setenv("BRICK_REGISTRY_CACHE", registry.c_str(), 1);
    execl(BRICK_BINARY_DIR "/bin/brick", "brick", "serve", "--port", "0", "--no-installed", "--no-watch", "--pipeline",
          pipeline.c_str(), "--model", model.c_str(), "--model-config", model_config.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(err[1]);
  std::string text;
  ASSERT_TRUE(read_until(err[0], text, "listening on http://127.0.0.1:")) << text;
  ASSERT_TRUE(read_until(err[0], text, "ready:")) << text;
  const size_t at = text.find("listening on http://127.0.0.1:") + 30;
  const uint16_t port = static_cast<uint16_t>(std::stoi(text.substr(at, text.find('/', at) - at)));
  const std::string answer =
      http(port, "POST", "/runs",
           R"({"pipeline": "sd", "inputs": {"prompt": "a red circle", "num_inference_steps": 1}, "wait": true})");
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  close(err[0]);
  EXPECT_NE(answer.find("HTTP/1.1 200"), std::string::npos) << answer;
  EXPECT_NE(answer.find(R"("status":"done")"), std::string::npos) << answer;

  // A --model for a pipeline that is not served is refused at start.
  cli_run::Result r = cli_run::brick(
      "serve --port 0 --no-installed --pipeline " + pipeline + " --model other=" + file.string(), environment(dir));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(cli_run::contains(r.output, "no pipeline is served as 'other'")) << r.output;
}

}  // namespace
}  // namespace sdxl_test
