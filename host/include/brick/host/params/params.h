// The declarations blocks make, host side: InputParam, OutputParam,
// ComponentSpec and ConfigSpec with the fields and defaults of Modular
// Diffusers (modular_pipeline_utils.py). Optional text fields use "" for
// Python's None.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "brick/host/value/value.h"

namespace brick::host {

struct InputParam {
  std::optional<std::string> name;  // nullopt: a nameless kwargs input
  std::string type_hint;            // as the doc prints it; "" prints None
  Value default_value;
  bool required = false;
  std::string description;
  std::string kwargs_type;
  Value metadata;  // a dict, or None
  // Set when merged branches disagree on the default: block name -> default.
  std::optional<Value::Dict> defaults_by_block;

  bool is_kwargs() const { return !name.has_value(); }
  // <name: required|optional, default=X>
  std::string repr() const;
  bool operator==(const InputParam& other) const;
};

struct OutputParam {
  std::string name;
  std::string type_hint;
  std::string description;
  std::string kwargs_type;
  Value metadata;

  // <name: Type>
  std::string repr() const;
  bool operator==(const OutputParam& other) const;
};

enum class CreationMethod { FromPretrained, FromConfig };

struct ComponentSpec {
  std::string name;
  std::string type_hint;
  std::string description;
  Value config;  // a dict, or None
  std::optional<std::string> pretrained_model_name_or_path;
  std::string subfolder;
  std::optional<std::string> variant;
  std::optional<std::string> revision;
  CreationMethod default_creation_method = CreationMethod::FromPretrained;

  // "null" for from_config; otherwise path|subfolder|variant|revision with
  // "null" for a missing field.
  std::string load_id() const;
  // Equality as diffusers defines it: name, load_id and creation method.
  bool operator==(const ComponentSpec& other) const;
};

struct ConfigSpec {
  std::string name;
  Value default_value;
  std::string description;

  bool operator==(const ConfigSpec& other) const;
};

std::vector<std::string> names_of(const std::vector<InputParam>& params);
std::vector<std::string> names_of(const std::vector<OutputParam>& params);

}  // namespace brick::host
