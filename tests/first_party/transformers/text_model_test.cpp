// transformers.CLIPTextModel and CLIPTextModelWithProjection through the real
// loader, against the outputs of the pure-PyTorch reference
// (make_model_fixtures.py) on its tiny random-weight models: every
// attention path this LibTorch has, the hidden states, the padding mask,
// dtypes; and the weights' checks (missing, unexpected, wrongly shaped keys).
#include <ATen/TensorOperators.h>
#include <ATen/ops/equal.h>
#include <ATen/ops/ones.h>
#include <ATen/ops/tensor.h>
#include <torch/version.h>

#include <fstream>
#include <sstream>

#include "brick/host/base/error.h"
#include "brick/host/value/json.h"
#include "transformers_test_support.h"

using namespace transformers_test;

namespace {

constexpr double kTolerance = 1e-4;

struct Fixture {
  const char* name;
  const char* type;
  const char* pooled;  // pooler_output or text_embeds
};
const Fixture kModels[] = {{"clip_quick_gelu_legacy", "CLIPTextModel", "pooler_output"},
                           {"clip_gelu_eos", "CLIPTextModel", "pooler_output"},
                           {"clip_projection", "CLIPTextModelWithProjection", "text_embeds"}};

// The attention paths this build has: eager always, sdpa with LibTorch 2.x.
std::vector<std::string> attention_paths() {
#if TORCH_VERSION_MAJOR >= 2
  return {"eager", "sdpa"};
#else
  return {"eager"};
#endif
}

Value read_json(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return brick::host::parse_json(text.str());
}

Value with_key(const Value& dict, const std::string& key, Value value) {
  Value::Dict items = dict.as_dict();
  items.emplace_back(key, std::move(value));
  return Value::dict(std::move(items));
}

// Every output of one fixture compared with the reference's.
void expect_matches_reference(const std::shared_ptr<Object>& model, const Fixture& f, const std::string& what) {
  Value want = expected(f.name);
  at::Tensor ids = tensor(want, "input_ids");
  Value out = call(model, "forward", {{"input_ids", ids}, {"output_hidden_states", true}});
  EXPECT_LT(max_difference(tensor(out, "last_hidden_state"), tensor(want, "last_hidden_state")), kTolerance) << what;
  EXPECT_LT(max_difference(tensor(out, f.pooled), tensor(want, f.pooled)), kTolerance) << what;
  const Value* states = out.find("hidden_states");
  ASSERT_TRUE(states) << what;
  int64_t layers = read_json(model_folder(f.name) / "config.json").find("num_hidden_layers")->as_int();
  ASSERT_EQ(states->as_list().size(), static_cast<size_t>(layers + 1)) << what;
  for (size_t i = 0; i < states->as_list().size(); ++i) {
    EXPECT_LT(max_difference(states->as_list()[i].as_tensor(), tensor(want, "hidden_states." + std::to_string(i))),
              kTolerance)
        << what << " hidden_states[" << i << "]";
  }
  // With the padding mask as well as the causal one.
  Value masked = call(model, "forward", {{"input_ids", ids}, {"attention_mask", tensor(want, "attention_mask")}});
  EXPECT_LT(max_difference(tensor(masked, "last_hidden_state"), tensor(want, "masked.last_hidden_state")), kTolerance)
      << what << " masked";
  EXPECT_LT(max_difference(tensor(masked, f.pooled), tensor(want, std::string("masked.") + f.pooled)), kTolerance)
      << what << " masked";
  EXPECT_FALSE(masked.find("hidden_states")) << "only when asked";
}

std::string load_error(const std::string& type, const fs::path& folder) {
  try {
    load(type, folder);
  } catch (const brick::host::Error& e) {
    return e.what();
  }
  return "(loaded)";
}

// A copy of a fixture's folder whose weights went through `edit`.
template <class Edit>
void edited_copy(const std::string& name, const fs::path& to, Edit edit) {
  fs::create_directories(to);
  fs::copy_file(model_folder(name) / "config.json", to / "config.json");
  brick::host::SafetensorsFile file = brick::host::read_safetensors(model_folder(name) / "model.safetensors");
  edit(file.tensors);
  brick::host::write_safetensors(to / "model.safetensors", file.tensors);
}

}  // namespace

TEST(CLIPTextModel, LoadedFromItsFolderItMatchesTheReference) {
  for (const Fixture& f : kModels) {
    std::shared_ptr<Object> model = load(f.type, model_folder(f.name));
    EXPECT_EQ(model->library(), "transformers");
    EXPECT_EQ(model->class_name(), f.type);
    expect_matches_reference(model, f, f.name);
  }
}

TEST(CLIPTextModel, EveryAttentionPathMatchesTheReference) {
  for (const Fixture& f : kModels) {
    Value config = read_json(model_folder(f.name) / "config.json");
    Value::Dict weights = brick::host::read_safetensors(model_folder(f.name) / "model.safetensors").tensors;
    for (const std::string& path : attention_paths()) {
      std::shared_ptr<Object> model = create(f.type, with_key(config, "_attn_implementation", Value(path)));
      call(model, "load_state_dict", {{"state_dict", Value::dict(weights)}});
      expect_matches_reference(model, f, std::string(f.name) + " " + path);
    }
  }
}

TEST(CLIPTextModel, SdpaIsRefusedWhereLibTorchLacksIt) {
  Value config = read_json(model_folder("clip_gelu_eos") / "config.json");
  if (TORCH_VERSION_MAJOR >= 2) {
    EXPECT_NO_THROW(create("CLIPTextModel", with_key(config, "_attn_implementation", Value("sdpa"))));
    return;
  }
  try {
    create("CLIPTextModel", with_key(config, "_attn_implementation", Value("sdpa")));
    FAIL();
  } catch (const brick::host::Error& e) {
    EXPECT_NE(std::string(e.what()).find("LibTorch 2.0"), std::string::npos) << e.what();
  }
}

TEST(CLIPTextModel, PoolingFollowsTheEosTokenIdRule) {
  // The fixtures' rows were made so that the two rules disagree: check the
  // pooled rows are the last hidden state's rows the rule names.
  for (const Fixture& f : {kModels[0], kModels[1]}) {
    Value want = expected(f.name);
    std::shared_ptr<Object> model = load(f.type, model_folder(f.name));
    at::Tensor ids = tensor(want, "input_ids");
    Value out = call(model, "forward", {{"input_ids", ids}});
    at::Tensor last = tensor(out, "last_hidden_state"), pooled = tensor(out, "pooler_output");
    int64_t eos = read_json(model_folder(f.name) / "config.json").find("eos_token_id")->as_int();
    for (int64_t row = 0; row < ids.size(0); ++row) {
      int64_t position = 0;
      if (eos == 2) {
        for (int64_t i = 0; i < ids.size(1); ++i) {
          if (ids[row][i].item<int64_t>() > ids[row][position].item<int64_t>()) position = i;
        }
      } else {
        while (ids[row][position].item<int64_t>() != eos) ++position;
      }
      EXPECT_TRUE(at::equal(pooled[row], last[row][position])) << f.name << " row " << row << " position " << position;
    }
  }
}

TEST(CLIPTextModel, LoadStateDictKeepsTheTensorsItIsGiven) {
  Value config = read_json(model_folder("clip_gelu_eos") / "config.json");
  Value::Dict weights = brick::host::read_safetensors(model_folder("clip_gelu_eos") / "model.safetensors").tensors;
  std::shared_ptr<Object> model = create("CLIPTextModel", config);
  call(model, "load_state_dict", {{"state_dict", Value::dict(weights)}});
  Value state = call(model, "state_dict");
  ASSERT_EQ(state.as_dict().size(), weights.size());
  for (const auto& [name, value] : weights) {
    const Value* kept = state.find(name);
    ASSERT_TRUE(kept) << name;
    EXPECT_EQ(kept->as_tensor().data_ptr(), value.as_tensor().data_ptr()) << name << " was copied";
  }
}

TEST(CLIPTextModel, MissingUnexpectedAndMisshapenKeysAreNamed) {
  TempDir dir;
  edited_copy("clip_gelu_eos", dir / "missing", [](Value::Dict& tensors) {
    for (auto it = tensors.begin(); it != tensors.end(); ++it) {
      if (it->first == "text_model.encoder.layers.1.mlp.fc2.bias") {
        tensors.erase(it);
        break;
      }
    }
  });
  std::string error = load_error("CLIPTextModel", dir / "missing");
  EXPECT_NE(error.find("missing keys (1): text_model.encoder.layers.1.mlp.fc2.bias"), std::string::npos) << error;
  EXPECT_NE(error.find((dir / "missing").string()), std::string::npos) << "the folder is named: " << error;

  edited_copy("clip_gelu_eos", dir / "unexpected", [](Value::Dict& tensors) {
    tensors.emplace_back("text_model.encoder.layers.2.mlp.fc1.weight", Value(at::ones({24, 16})));
  });
  error = load_error("CLIPTextModel", dir / "unexpected");
  EXPECT_NE(error.find("unexpected keys (1): text_model.encoder.layers.2.mlp.fc1.weight"), std::string::npos) << error;

  edited_copy("clip_gelu_eos", dir / "shape", [](Value::Dict& tensors) {
    for (auto& [name, value] : tensors) {
      if (name == "text_model.final_layer_norm.weight") value = Value(at::ones({15}));
    }
  });
  error = load_error("CLIPTextModel", dir / "shape");
  EXPECT_NE(error.find("text_model.final_layer_norm.weight has shape [15], the config wants [16]"), std::string::npos)
      << error;

  // The two model classes do not take each other's weights.
  error = load_error("CLIPTextModelWithProjection", model_folder("clip_gelu_eos"));
  EXPECT_NE(error.find("missing keys (1): text_projection.weight"), std::string::npos) << error;
  error = load_error("CLIPTextModel", model_folder("clip_projection"));
  EXPECT_NE(error.find("unexpected keys (1): text_projection.weight"), std::string::npos) << error;
}

TEST(CLIPTextModel, TheLegacyPositionIdsBufferIsAccepted) {
  // Stable Diffusion 1.x's text encoder file holds text_model.embeddings.position_ids;
  // transformers ignores it (a non-persistent buffer). The fixture has it.
  brick::host::SafetensorsFile file =
      brick::host::read_safetensors(model_folder("clip_quick_gelu_legacy") / "model.safetensors");
  bool found = false;
  for (const auto& [name, value] : file.tensors) found = found || name == "text_model.embeddings.position_ids";
  ASSERT_TRUE(found);
  EXPECT_NO_THROW(load("CLIPTextModel", model_folder("clip_quick_gelu_legacy")));
}

TEST(CLIPTextModel, DtypesFromLoadOptionsAndTo) {
  const Fixture& f = kModels[2];
  Value want = expected(f.name);
  brick::host::LoadOptions options;
  options.dtype = "float64";
  std::shared_ptr<Object> model = load(f.type, model_folder(f.name), options);
  Value out = call(model, "forward", {{"input_ids", tensor(want, "input_ids")}});
  EXPECT_EQ(tensor(out, "text_embeds").scalar_type(), at::kDouble);
  EXPECT_LT(max_difference(tensor(out, "text_embeds"), tensor(want, "text_embeds")), kTolerance);
  // bfloat16 runs too (loosely: 8 bits of mantissa).
  call(model, "to", {{"dtype", "bfloat16"}});
  out = call(model, "forward", {{"input_ids", tensor(want, "input_ids")}});
  EXPECT_EQ(tensor(out, "last_hidden_state").scalar_type(), at::kBFloat16);
  EXPECT_LT(max_difference(tensor(out, "last_hidden_state"), tensor(want, "last_hidden_state")), 0.25);
  call(model, "to", {{"dtype", "float32"}, {"device", "cpu"}});
  out = call(model, "forward", {{"input_ids", tensor(want, "input_ids")}});
  EXPECT_EQ(tensor(out, "text_embeds").scalar_type(), at::kFloat);
}

TEST(CLIPTextModel, SavedAndLoadedBack) {
  TempDir dir;
  std::shared_ptr<Object> model = load("CLIPTextModel", model_folder("clip_quick_gelu_legacy"));
  model->save(dir.path());
  ASSERT_TRUE(fs::exists(dir / "config.json"));
  ASSERT_TRUE(fs::exists(dir / "model.safetensors"));
  Value config = read_json(dir / "config.json");
  EXPECT_EQ(config.find("eos_token_id")->as_int(), 2);
  EXPECT_EQ(config.find("hidden_act")->as_string(), "quick_gelu");
  EXPECT_EQ(config.find("model_type")->as_string(), "clip_text_model");
  std::shared_ptr<Object> again = load("CLIPTextModel", dir.path());
  expect_matches_reference(again, kModels[0], "saved and loaded");
}

TEST(CLIPTextModel, FromAConfigItGetsTransformersInitialWeights) {
  Value config = Value::dict({{"vocab_size", 50},
                              {"hidden_size", 8},
                              {"intermediate_size", 12},
                              {"num_hidden_layers", 2},
                              {"num_attention_heads", 2},
                              {"max_position_embeddings", 6},
                              {"projection_dim", 4}});
  std::shared_ptr<Object> model = create("CLIPTextModelWithProjection", config);
  Value state = call(model, "state_dict");
  EXPECT_EQ(state.as_dict().size(), 2u + 16u * 2u + 2u + 1u);
  EXPECT_TRUE(at::equal(tensor(state, "text_model.final_layer_norm.weight"), at::ones({8})));
  EXPECT_EQ(tensor(state, "text_projection.weight").sizes(), (std::vector<int64_t>{4, 8}));
  EXPECT_EQ(tensor(state, "text_model.encoder.layers.1.mlp.fc1.weight").sizes(), (std::vector<int64_t>{12, 8}));
  Value out = call(model, "forward", {{"input_ids", at::tensor(std::vector<int64_t>{1, 5, 49, 2}).unsqueeze(0)}});
  EXPECT_EQ(tensor(out, "text_embeds").sizes(), (std::vector<int64_t>{1, 4}));
  EXPECT_EQ(tensor(out, "last_hidden_state").sizes(), (std::vector<int64_t>{1, 4, 8}));
  // The default config is openai/clip-vit-base-patch32's text model.
  Value defaults = create("CLIPTextModel")->config();
  EXPECT_EQ(defaults.find("vocab_size")->as_int(), 49408);
  EXPECT_EQ(defaults.find("hidden_size")->as_int(), 512);
  EXPECT_EQ(defaults.find("eos_token_id")->as_int(), 49407);
  EXPECT_EQ(defaults.find("hidden_act")->as_string(), "quick_gelu");
}

TEST(CLIPTextModel, AFolderWithoutWeightsFailsAtFirstUseNotWithRandomWeights) {
  TempDir dir;
  fs::copy_file(model_folder("clip_gelu_eos") / "config.json", dir / "config.json");
  std::shared_ptr<Object> model = load("CLIPTextModel", dir.path());
  try {
    call(model, "forward", {{"input_ids", at::ones({1, 3}, at::kLong)}});
    FAIL();
  } catch (const brick::host::Error& e) {
    EXPECT_NE(std::string(e.what()).find("has no weights"), std::string::npos) << e.what();
  }
}

TEST(CLIPTextModel, BadInputsAndConfigsAreNamed) {
  std::shared_ptr<Object> model = load("CLIPTextModel", model_folder("clip_gelu_eos"));
  auto error_of = [&](Value::Dict args) -> std::string {
    try {
      call(model, "forward", std::move(args));
    } catch (const brick::host::Error& e) {
      return e.what();
    }
    return "(no error)";
  };
  EXPECT_NE(error_of({}).find("needs the keyword argument 'input_ids'"), std::string::npos);
  EXPECT_NE(error_of({{"input_ids", at::ones({1, 13}, at::kLong)}}).find("max_position_embeddings: 12"),
            std::string::npos);
  EXPECT_NE(error_of({{"input_ids", at::ones({1, 3})}}).find("integer tensor"), std::string::npos);
  EXPECT_NE(error_of({{"input_ids", at::tensor(std::vector<int64_t>{1, 400}).unsqueeze(0)}})
                .find("outside the vocabulary [0, 400)"),
            std::string::npos);
  auto config_error = [](Value config) -> std::string {
    try {
      create("CLIPTextModel", std::move(config));
    } catch (const brick::host::Error& e) {
      return e.what();
    }
    return "(no error)";
  };
  EXPECT_NE(config_error(Value::dict({{"hidden_size", 10}, {"num_attention_heads", 3}})).find("divisible"),
            std::string::npos);
  EXPECT_NE(config_error(Value::dict({{"hidden_act", "tanh"}})).find("hidden_act 'tanh'"), std::string::npos);
}
