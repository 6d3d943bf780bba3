// What a block declares, as C++ values: InputParam, OutputParam,
// ComponentSpec and ConfigSpec, named and shaped as in Modular Diffusers.
//
//   brick::InputParam("image", "PIL.Image", "raw input image to process")
//   brick::InputParam("strength", "float").with_default(0.3)
//   brick::InputParam("prompt", "str", "The prompt.").set_required()
//   brick::InputParam::kwargs("denoiser_input_fields", "conditional model inputs")
//   brick::OutputParam("latents", "Tensor").with_kwargs_type("denoiser_input_fields")
//
// A type_hint is the type's name as the block's doc should print it; an
// empty one prints as `None`. Defaults are kept as JSON text because that is
// how they cross the ABI.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "brick/sdk/json_text.h"

namespace brick {

struct InputParam {
  std::optional<std::string> name;  // nullopt: nameless kwargs input
  std::string type_hint;
  std::optional<std::string> default_json;  // nullopt: default None
  bool required = false;
  std::string description;
  std::string kwargs_type;
  std::string metadata_json;

  InputParam(std::string name_, std::string type_hint_ = {}, std::string description_ = {})
      : name(std::move(name_)), type_hint(std::move(type_hint_)), description(std::move(description_)) {}

  // InputParam(kwargs_type=...): every state value tagged with kwargs_type.
  static InputParam kwargs(std::string kwargs_type_, std::string description_ = {}) {
    InputParam p("", {}, std::move(description_));
    p.name.reset();
    p.kwargs_type = std::move(kwargs_type_);
    return p;
  }

  template <class T>
  InputParam& with_default(const T& value) {
    default_json = to_json(value);
    return *this;
  }
  InputParam& set_required(bool value = true) {
    required = value;
    return *this;
  }
  InputParam& with_description(std::string text) {
    description = std::move(text);
    return *this;
  }
  InputParam& with_kwargs_type(std::string tag) {
    kwargs_type = std::move(tag);
    return *this;
  }
  InputParam& with_metadata(Json object) {
    metadata_json = std::move(object.text);
    return *this;
  }
};

struct OutputParam {
  std::string name;
  std::string type_hint;
  std::string description;
  std::string kwargs_type;
  std::string metadata_json;

  OutputParam(std::string name_, std::string type_hint_ = {}, std::string description_ = {})
      : name(std::move(name_)), type_hint(std::move(type_hint_)), description(std::move(description_)) {}

  OutputParam& with_description(std::string text) {
    description = std::move(text);
    return *this;
  }
  OutputParam& with_kwargs_type(std::string tag) {
    kwargs_type = std::move(tag);
    return *this;
  }
  OutputParam& with_metadata(Json object) {
    metadata_json = std::move(object.text);
    return *this;
  }
};

struct ComponentSpec {
  std::string name;
  std::string type_hint;
  std::string description;
  std::string config_json;  // a JSON object, "" for none
  std::string pretrained_model_name_or_path;
  std::string subfolder;
  std::string variant;
  std::string revision;
  bool from_config = false;  // default_creation_method == "from_config"

  ComponentSpec(std::string name_, std::string type_hint_ = {}, std::string description_ = {})
      : name(std::move(name_)), type_hint(std::move(type_hint_)), description(std::move(description_)) {}

  // default_creation_method="from_config", created from this config.
  ComponentSpec& with_config(Json object) {
    config_json = std::move(object.text);
    from_config = true;
    return *this;
  }
  ComponentSpec& with_repo(std::string path, std::string subfolder_ = {}) {
    pretrained_model_name_or_path = std::move(path);
    subfolder = std::move(subfolder_);
    return *this;
  }
  ComponentSpec& with_variant(std::string v) {
    variant = std::move(v);
    return *this;
  }
  ComponentSpec& with_revision(std::string r) {
    revision = std::move(r);
    return *this;
  }
};

struct ConfigSpec {
  std::string name;
  std::string default_json = "null";
  std::string description;

  template <class T>
  ConfigSpec(std::string name_, const T& default_value, std::string description_ = {})
      : name(std::move(name_)), default_json(to_json(default_value)), description(std::move(description_)) {}
};

}  // namespace brick
