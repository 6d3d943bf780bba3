#include "support.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/ops/randn.h>
#include <c10/util/StringUtil.h>

#include <cctype>
#include <random>

namespace stable_diffusion_xl {

namespace specs {
brick::ComponentSpec text_encoder() { return brick::ComponentSpec("text_encoder", "transformers.CLIPTextModel"); }
brick::ComponentSpec text_encoder_2() {
  return brick::ComponentSpec("text_encoder_2", "transformers.CLIPTextModelWithProjection");
}
brick::ComponentSpec tokenizer() { return brick::ComponentSpec("tokenizer", "transformers.CLIPTokenizer"); }
brick::ComponentSpec tokenizer_2() { return brick::ComponentSpec("tokenizer_2", "transformers.CLIPTokenizer"); }
brick::ComponentSpec guider() {
  return brick::ComponentSpec("guider", "core.ClassifierFreeGuidance")
      .with_config(brick::Json{R"({"guidance_scale": 7.5})"});
}
brick::ComponentSpec unet() { return brick::ComponentSpec("unet", "diffusers.UNet2DConditionModel"); }
brick::ComponentSpec vae() { return brick::ComponentSpec("vae", "diffusers.AutoencoderKL"); }
brick::ComponentSpec scheduler() { return brick::ComponentSpec("scheduler", "core.EulerDiscreteScheduler"); }
brick::ComponentSpec image_processor() {
  return brick::ComponentSpec("image_processor", "image.VaeImageProcessor")
      .with_config(brick::Json{R"({"vae_scale_factor": 8})"});
}
brick::ComponentSpec mask_processor() {
  return brick::ComponentSpec("mask_processor", "image.VaeImageProcessor")
      .with_config(brick::Json{
          R"({"do_normalize": false, "vae_scale_factor": 8, "do_binarize": true, "do_convert_grayscale": true})"});
}
}  // namespace specs

brick::ComponentRef require_component(const brick::Components& components, const char* name, const std::string& block) {
  brick::ComponentRef component = components.get(name);
  if (!component.is_object()) {
    throw brick::Error(
        BRICK_ERR_NOT_FOUND,
        block + " needs the '" + name + "' component, but the pipeline has " +
            (component.is_none() ? std::string("none loaded") : std::string("a ") + component.kind_name()) + " there");
  }
  return component;
}

brick::Value component_config(const brick::Components& components, const char* name, const std::string& block) {
  brick::Value config = require_component(components, name, block).call("config");
  if (config.ref().kind() != BRICK_VALUE_DICT) {
    throw brick::Error(BRICK_ERR_TYPE_MISMATCH,
                       block + ": " + name + ".config() returned a " + config.ref().kind_name() + ", not a dict");
  }
  return config;
}

at::Tensor tensor_result(const brick::Value& result, const std::string& what) {
  brick::ValueRef r = result.ref();
  if (r.kind() == BRICK_VALUE_DICT && r["sample"].is_tensor()) return r["sample"].as<at::Tensor>();
  if (!r.is_tensor()) {
    throw brick::Error(BRICK_ERR_TYPE_MISMATCH, what + " returned a " + r.kind_name() + ", expected a Tensor");
  }
  return r.as<at::Tensor>();
}

std::optional<at::Tensor> optional_tensor(const brick::BlockState& block_state, const char* name) {
  brick::ValueRef v = block_state[name];
  if (v.is_none()) return std::nullopt;
  return v.as<at::Tensor>();
}

int64_t vae_scale_factor(const brick::Components& components, const std::string& block) {
  if (components.get("vae").is_none()) return 8;
  brick::Value config = component_config(components, "vae", block);
  brick::ValueRef channels = config.ref()["block_out_channels"];
  if (channels.kind() != BRICK_VALUE_LIST || channels.size() == 0) return 8;
  return int64_t{1} << (channels.size() - 1);
}

namespace {
int64_t config_int(const brick::Components& components, const char* component, const char* key, int64_t fallback,
                   const std::string& block) {
  if (components.get(component).is_none()) return fallback;
  brick::Value config = component_config(components, component, block);
  brick::ValueRef v = config.ref()[key];
  return v.is_none() ? fallback : v.as<int64_t>();
}
}  // namespace

int64_t default_sample_size(const brick::Components& components, const std::string& block) {
  return config_int(components, "unet", "sample_size", 128, block);
}
int64_t num_channels_latents(const brick::Components& components, const std::string& block) {
  return config_int(components, "vae", "latent_channels", 4, block);
}
int64_t num_channels_unet(const brick::Components& components, const std::string& block) {
  return config_int(components, "unet", "in_channels", 4, block);
}

at::Generator generator_from(brick::ValueRef generator, const std::string& block) {
  if (generator.is_none()) {
    std::random_device device;
    return at::detail::createCPUGenerator((static_cast<uint64_t>(device()) << 32) ^ device());
  }
  if (generator.kind() == BRICK_VALUE_INT) {
    return at::detail::createCPUGenerator(static_cast<uint64_t>(generator.as<int64_t>()));
  }
  if (generator.is_tensor()) {
    const at::Tensor state = generator.as<at::Tensor>();
    if (state.scalar_type() != at::kByte || !state.device().is_cpu()) {
      throw brick::Error(BRICK_ERR_TYPE_MISMATCH,
                         c10::str(block,
                                  ": generator as a tensor must be a CPU generator's state (a CPU uint8 "
                                  "tensor, torch.Generator().get_state()), got a ",
                                  state.scalar_type(), " tensor on ", state.device()));
    }
    at::Generator out = at::detail::createCPUGenerator();
    try {
      out.set_state(state);
    } catch (const c10::Error& e) {
      throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, c10::str(block, ": generator is not a CPU generator's state (",
                                                              state.numel(), " bytes): ", e.what_without_backtrace()));
    }
    return out;
  }
  throw brick::Error(BRICK_ERR_TYPE_MISMATCH,
                     block +
                         ": generator must be a seed (an int), a CPU generator's state (a uint8 tensor) or None, "
                         "got " +
                         generator.kind_name());
}

void continue_generator(brick::BlockState& block_state, const at::Generator& generator) {
  if (block_state["generator"].is_none()) return;
  block_state.set("generator", generator.get_state());
}

at::Tensor randn_tensor(at::IntArrayRef shape, at::Generator& generator, at::ScalarType dtype, at::Device device) {
  return at::randn(shape, generator, at::TensorOptions().dtype(dtype)).to(device);
}

std::optional<at::ScalarType> dtype_from(brick::ValueRef dtype, const std::string& block) {
  if (dtype.is_none()) return std::nullopt;
  if (dtype.kind() != BRICK_VALUE_STRING) {
    throw brick::Error(BRICK_ERR_TYPE_MISMATCH, block + ": dtype must be a str, got " + dtype.kind_name());
  }
  std::string name = dtype.as<std::string>();
  if (name.rfind("torch.", 0) == 0) name = name.substr(6);
  if (name == "float32" || name == "float") return at::kFloat;
  if (name == "float16" || name == "half") return at::kHalf;
  if (name == "bfloat16") return at::kBFloat16;
  if (name == "float64" || name == "double") return at::kDouble;
  throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, block + ": unknown dtype '" + name + "'");
}

at::ScalarType component_dtype(const brick::ComponentRef& component) {
  try {
    brick::Value name = component.call("dtype");
    if (name.ref().kind() == BRICK_VALUE_STRING) {
      std::optional<at::ScalarType> t = dtype_from(name.ref(), "dtype");
      if (t) return *t;
    }
  } catch (const brick::Error& e) {
    if (e.status() != BRICK_ERR_UNKNOWN_METHOD) throw;
  }
  return at::kFloat;
}

std::string dtype_name(at::ScalarType dtype) {
  switch (dtype) {
    case at::kFloat:
      return "float32";
    case at::kHalf:
      return "float16";
    case at::kBFloat16:
      return "bfloat16";
    case at::kDouble:
      return "float64";
    default:
      return c10::toString(dtype);
  }
}

std::optional<std::vector<int64_t>> int_pair(brick::ValueRef value, const char* name, const std::string& block) {
  if (value.is_none()) return std::nullopt;
  std::vector<int64_t> out;
  if (value.kind() == BRICK_VALUE_LIST) {
    for (size_t i = 0; i < value.size(); ++i) out.push_back(value[i].as<int64_t>());
  } else if (value.kind() == BRICK_VALUE_STRING) {
    // "(a, b)": Python's text of a tuple of ints.
    const std::string text = value.as<std::string>();
    std::string number;
    bool ok = !text.empty() && text.front() == '(' && text.back() == ')';
    for (size_t i = 1; ok && i + 1 <= text.size(); ++i) {
      const char c = i + 1 == text.size() ? ',' : text[i];
      if (std::isdigit(static_cast<unsigned char>(c)) || (c == '-' && number.empty())) {
        number += c;
      } else if (c == ',') {
        if (number.empty()) {
          ok = i + 1 == text.size() && !out.empty();
          break;
        }
        out.push_back(std::stoll(number));
        number.clear();
      } else if (c != ' ') {
        ok = false;
      }
    }
    if (!ok) out.clear();
  }
  if (out.size() != 2) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT,
                       block + ": " + name + " must be two ints ([a, b] or \"(a, b)\"), got " + value.kind_name());
  }
  return out;
}

std::optional<std::vector<std::string>> prompt_list(brick::ValueRef prompt, const char* name,
                                                    const std::string& block) {
  if (prompt.is_none()) return std::nullopt;
  if (prompt.kind() == BRICK_VALUE_STRING) return std::vector<std::string>{prompt.as<std::string>()};
  if (prompt.kind() == BRICK_VALUE_LIST) {
    std::vector<std::string> out;
    for (size_t i = 0; i < prompt.size(); ++i) {
      if (prompt[i].kind() != BRICK_VALUE_STRING) {
        throw brick::Error(BRICK_ERR_TYPE_MISMATCH, block + ": `" + name + "` has to be a list of str, item " +
                                                        std::to_string(i) + " is a " + prompt[i].kind_name());
      }
      out.push_back(prompt[i].as<std::string>());
    }
    return out;
  }
  throw brick::Error(BRICK_ERR_TYPE_MISMATCH,
                     block + ": `" + name + "` has to be of type `str` or `list` but is " + prompt.kind_name());
}

}  // namespace stable_diffusion_xl
