// ComponentTypes: how the host creates a component from a config
// (from_config) and loads one from a local folder (from_pretrained), by the
// spec's type_hint. The built-in types are the host's own loaders
// (safetensors weights, TorchScript modules); plugins add theirs (component
// types exported through the ABI, host.h).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "brick/brick_abi.h"
#include "brick/host/params/params.h"
#include "brick/host/value/object.h"

namespace brick::host {

// What load_components passes down (diffusers' load kwargs).
struct LoadOptions {
  std::optional<brick_device> device;  // where tensors go; nullopt: CPU
  std::string dtype;                   // "float16", "bfloat16", "float32", ...; "": as stored
};

struct ComponentType {
  std::string name;  // the type_hint it answers to, e.g. "brick.SafetensorsWeights"
  // from_config: config is a dict or None. Empty: the type cannot be created.
  std::function<std::shared_ptr<Object>(const Value& config)> create;
  // from_pretrained: the folder is <path>/<subfolder>. Empty: read
  // <folder>/config.json and create from it (a ConfigMixin's from_pretrained).
  std::function<std::shared_ptr<Object>(const std::filesystem::path& folder, const ComponentSpec& spec,
                                        const LoadOptions& options)>
      load;
};

// A component folder's config: config.json, else scheduler_config.json
// (diffusers' name for schedulers), else tokenizer_config.json
// (transformers' tokenizers). `_name_or_path` is set to the folder's
// absolute path, so a type can read its other files. Throws Error unless it
// holds a JSON object.
Value read_component_config(const std::filesystem::path& folder);

class ComponentTypes {
 public:
  // Registers (or replaces) a type.
  void add(ComponentType type);
  const ComponentType* find(std::string_view name) const;
  // The registered name for `type`: itself when registered, else the one
  // name whose class (the part after the last dot) it is ("DDIMScheduler"
  // -> "core.DDIMScheduler"). Throws Error(BRICK_ERR_NOT_FOUND) listing the
  // known types, or the candidates when the class is ambiguous.
  std::string resolve(std::string_view type) const;
  std::vector<std::string> names() const;

  // ComponentSpec.create: the spec's type must be registered and creatable.
  // The object is tagged load_id "null". Errors name the component.
  std::shared_ptr<Object> create(const ComponentSpec& spec, const Value& config = Value()) const;
  // ComponentSpec.load: <pretrained_model_name_or_path>/<subfolder> must be a
  // local folder (nothing is fetched from a network). With no type_hint the
  // folder's files pick the loader (*.safetensors, then *.pt TorchScript),
  // like AutoModel. The object is tagged with the spec's load_id.
  std::shared_ptr<Object> load(const ComponentSpec& spec, const LoadOptions& options = {}) const;

  // The types every host has: brick.SafetensorsWeights, brick.TorchScriptModule.
  static ComponentTypes builtin();

 private:
  std::vector<ComponentType> types_;
};

}  // namespace brick::host
