#include "brick/host/components/component_types.h"

#include <fstream>
#include <optional>
#include <sstream>

#include "brick/host/base/error.h"
#include "brick/host/components/model_search_path.h"
#include "brick/host/components/safetensors.h"
#include "brick/host/params/component_spec.h"
#include "brick/host/value/json.h"
#include "builtin_types.h"

namespace brick::host {

namespace fs = std::filesystem;

namespace {

std::string known_types(const ComponentTypes& types) {
  std::string out;
  for (const std::string& name : types.names()) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out.empty() ? std::string("none") : out;
}

}  // namespace

void ComponentTypes::add(ComponentType type) {
  for (ComponentType& existing : types_) {
    if (existing.name == type.name) {
      existing = std::move(type);
      return;
    }
  }
  types_.push_back(std::move(type));
}

const ComponentType* ComponentTypes::find(std::string_view name) const {
  for (const ComponentType& type : types_) {
    if (type.name == name) return &type;
  }
  return nullptr;
}

std::string ComponentTypes::resolve(std::string_view type) const {
  if (find(type)) return std::string(type);
  std::vector<std::string> matches;
  std::string known;
  for (const ComponentType& t : types_) {
    auto [library, class_name] = split_type_hint(t.name);
    if (library && class_name == type) matches.push_back(t.name);
    known += known.empty() ? t.name : ", " + t.name;
  }
  if (matches.size() == 1) return matches.front();
  if (matches.empty()) {
    throw Error(BRICK_ERR_NOT_FOUND,
                "no component type '" + std::string(type) + "' (known: " + (known.empty() ? "none" : known) + ")");
  }
  std::string message = "component type '" + std::string(type) + "' is ambiguous: " + matches.front();
  for (size_t i = 1; i < matches.size(); ++i) message += ", " + matches[i];
  throw Error(BRICK_ERR_NOT_FOUND, message);
}

std::vector<std::string> ComponentTypes::names() const {
  std::vector<std::string> out;
  for (const ComponentType& type : types_) out.push_back(type.name);
  return out;
}

std::shared_ptr<Object> ComponentTypes::create(const ComponentSpec& spec, const Value& config) const {
  if (spec.type_hint.empty()) {
    throw Error(BRICK_ERR_INVALID_ARGUMENT,
                "component '" + spec.name + "': `type_hint` is required when using from_config creation method.");
  }
  const ComponentType* type = find(spec.type_hint);
  if (!type) {
    throw Error(BRICK_ERR_NOT_FOUND, "component '" + spec.name + "': no component type '" + spec.type_hint +
                                         "' (known: " + known_types(*this) + ")");
  }
  if (!type->create) {
    throw Error(BRICK_ERR_UNSUPPORTED,
                "component '" + spec.name + "': type '" + spec.type_hint + "' cannot be created from a config");
  }
  const Value& used = config.is_none() ? spec.config : config;
  std::shared_ptr<Object> object = type->create(used.is_none() ? Value::dict({}) : used);
  if (!object) throw Error(BRICK_ERR_INTERNAL, "component '" + spec.name + "': its type created nothing");
  object->set_load_id("null");
  return object;
}

namespace {

// diffusers' from_single_file: `pretrained_model_name_or_path` names one
// original checkpoint file (the LDM layout of AUTOMATIC1111 and ComfyUI
// users: UNet, vae and text encoders in one .safetensors). The type is
// created from the spec's config (diffusers' `config=`; none: the type
// chooses its config from the file's keys) with `_name_or_path` = the file,
// then given every tensor of the file through load_state_dict, of which it
// converts and keeps its own (docs/models.md, "Single-file checkpoints").
std::optional<fs::path> single_file(const ComponentSpec& spec) {
  fs::path path(*spec.pretrained_model_name_or_path);
  if (!spec.subfolder.empty()) path /= spec.subfolder;
  std::error_code ec;
  if (path.extension() != ".safetensors" || !fs::is_regular_file(path, ec)) return std::nullopt;
  return fs::absolute(path, ec).lexically_normal();
}

std::shared_ptr<Object> load_single_file(const ComponentTypes& types, const fs::path& file, const ComponentSpec& spec,
                                         const LoadOptions& options) {
  const ComponentType* type = spec.type_hint.empty() ? nullptr : types.find(spec.type_hint);
  if (!type || !type->create) {
    throw Error(BRICK_ERR_UNSUPPORTED, "'" + file.string() +
                                           "' is a single checkpoint file: its component needs a "
                                           "type_hint of a type made from a config (got '" +
                                           spec.type_hint + "')");
  }
  Value::Dict config = spec.config.kind() == Value::Kind::Dict ? spec.config.as_dict() : Value::Dict{};
  config.emplace_back("_name_or_path", Value(file.string()));
  std::shared_ptr<Object> object = type->create(Value::dict(std::move(config)));
  if (!object) throw Error(BRICK_ERR_INTERNAL, "its type created nothing");
  // Mapped as stored, neither converted nor moved: the file holds every
  // model of the pipeline, and each component keeps only its own tensors;
  // torch_dtype and the device then apply to those alone (converting the
  // whole file for each component would peak at the file's converted size).
  SafetensorsFile read = read_safetensors(file);
  try {
    object->call("load_state_dict", Value::dict({{"state_dict", Value::dict(std::move(read.tensors))}}));
    read.tensors.clear();
    if (!options.dtype.empty()) object->call("to", Value::dict({{"dtype", Value(options.dtype)}}));
    if (options.device) object->to(*options.device);
  } catch (const Error& e) {
    throw Error(e.status(), "'" + file.string() + "': " + e.what());
  }
  return object;
}

}  // namespace

std::shared_ptr<Object> ComponentTypes::load(const ComponentSpec& spec, const LoadOptions& options) const {
  try {
    if (!spec.pretrained_model_name_or_path) {
      throw Error(BRICK_ERR_INVALID_ARGUMENT, "pretrained_model_name_or_path is not set");
    }
    if (std::optional<fs::path> file = single_file(spec)) {
      std::shared_ptr<Object> object = load_single_file(*this, *file, spec, options);
      object->set_load_id(spec.load_id());
      return object;
    }
    // A folder, or a hub id in the local cache at the spec's revision (the
    // entries of a modular_model_index.json saved from the hub name one).
    fs::path root = resolve_model_repository(*spec.pretrained_model_name_or_path, {}, spec.revision);
    std::error_code ec;
    fs::path folder = spec.subfolder.empty() ? root : root / spec.subfolder;
    if (!fs::is_directory(folder, ec)) throw Error(BRICK_ERR_NOT_FOUND, "no folder '" + folder.string() + "'");

    std::shared_ptr<Object> object;
    if (spec.type_hint.empty()) {
      // AutoModel: the files decide.
      bool safetensors = false;
      bool torchscript = false;
      for (const fs::directory_entry& entry : fs::directory_iterator(folder)) {
        safetensors = safetensors || entry.path().extension() == ".safetensors";
        torchscript = torchscript || entry.path().extension() == ".pt";
      }
      if (safetensors) {
        object = SafetensorsWeights::load(folder, spec, options);
      } else if (torchscript && find(detail::kTorchScriptType)) {
        object = find(detail::kTorchScriptType)->load(folder, spec, options);
      } else {
        throw Error(BRICK_ERR_NOT_FOUND, "no type_hint and no *.safetensors or *.pt file in '" + folder.string() + "'");
      }
    } else {
      const ComponentType* type = find(spec.type_hint);
      if (!type) {
        throw Error(BRICK_ERR_NOT_FOUND,
                    "no component type '" + spec.type_hint + "' (known: " + known_types(*this) + ")");
      }
      if (type->load) {
        object = type->load(folder, spec, options);
      } else if (type->create) {
        object = type->create(read_component_config(folder));
      } else {
        throw Error(BRICK_ERR_UNSUPPORTED, "type '" + spec.type_hint + "' cannot be loaded");
      }
    }
    if (!object) throw Error(BRICK_ERR_INTERNAL, "the loader returned nothing");
    object->set_load_id(spec.load_id());
    return object;
  } catch (const Error& e) {
    // diffusers: "Unable to load {name} using load method: ..."
    throw Error(e.status(), "Unable to load " + spec.name + " using load method: " + e.what());
  } catch (const std::exception& e) {
    throw Error(BRICK_ERR_INTERNAL, "Unable to load " + spec.name + " using load method: " + e.what());
  }
}

Value read_component_config(const fs::path& folder) {
  // diffusers' config.json, a scheduler's scheduler_config.json, or a
  // transformers tokenizer's tokenizer_config.json: the first one present.
  fs::path file = folder / "config.json";
  std::error_code ec;
  for (const char* other : {"scheduler_config.json", "tokenizer_config.json"}) {
    if (fs::is_regular_file(file, ec)) break;
    if (fs::is_regular_file(folder / other, ec)) file = folder / other;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(BRICK_ERR_NOT_FOUND, "no config file '" + file.string() + "'");
  std::stringstream text;
  text << in.rdbuf();
  Value config = parse_json(text.str());
  if (config.kind() != Value::Kind::Dict) {
    throw Error(BRICK_ERR_INVALID_ARGUMENT, "'" + file.string() + "' does not hold a JSON object");
  }
  // The folder itself, under the key diffusers and transformers use for it,
  // so that a type can read the folder's other files (a tokenizer's
  // vocab.json and merges.txt). It names where the component was loaded
  // from now, whatever the file said.
  Value::Dict items = config.as_dict();
  std::string where = fs::absolute(folder, ec).lexically_normal().string();
  if (!where.empty() && where.size() > 1 && where.back() == '/') where.pop_back();
  bool replaced = false;
  for (auto& [key, value] : items) {
    if (key == "_name_or_path") {
      value = Value(where);
      replaced = true;
    }
  }
  if (!replaced) items.emplace_back("_name_or_path", Value(where));
  return Value::dict(std::move(items));
}

ComponentTypes ComponentTypes::builtin() {
  ComponentTypes types;
  types.add({detail::kSafetensorsType, nullptr,
             [](const fs::path& folder, const ComponentSpec& spec, const LoadOptions& options) {
               return std::static_pointer_cast<Object>(SafetensorsWeights::load(folder, spec, options));
             }});
  detail::add_torchscript_type(types);
  return types;
}

}  // namespace brick::host
