#include "brick/host/params/params.h"

namespace brick::host {

std::string InputParam::repr() const {
  return "<" + (name ? *name : std::string("None")) + ": " + (required ? "required" : "optional") +
         ", default=" + default_value.str() + ">";
}

bool InputParam::operator==(const InputParam& other) const {
  return name == other.name && type_hint == other.type_hint && default_value == other.default_value &&
         required == other.required && description == other.description && kwargs_type == other.kwargs_type &&
         metadata == other.metadata && defaults_by_block == other.defaults_by_block;
}

std::string OutputParam::repr() const {
  return "<" + name + ": " + (type_hint.empty() ? std::string("None") : type_hint) + ">";
}

bool OutputParam::operator==(const OutputParam& other) const {
  return name == other.name && type_hint == other.type_hint && description == other.description &&
         kwargs_type == other.kwargs_type && metadata == other.metadata;
}

std::string ComponentSpec::load_id() const {
  if (default_creation_method == CreationMethod::FromConfig) return "null";
  auto field = [](const std::optional<std::string>& v) { return v ? *v : std::string("null"); };
  return field(pretrained_model_name_or_path) + "|" + subfolder + "|" + field(variant) + "|" + field(revision);
}

bool ComponentSpec::operator==(const ComponentSpec& other) const {
  return name == other.name && load_id() == other.load_id() && default_creation_method == other.default_creation_method;
}

bool ConfigSpec::operator==(const ConfigSpec& other) const {
  return name == other.name && default_value == other.default_value && description == other.description;
}

std::vector<std::string> names_of(const std::vector<InputParam>& params) {
  std::vector<std::string> names;
  for (const InputParam& p : params) {
    if (p.name) names.push_back(*p.name);
  }
  return names;
}

std::vector<std::string> names_of(const std::vector<OutputParam>& params) {
  std::vector<std::string> names;
  for (const OutputParam& p : params) names.push_back(p.name);
  return names;
}

}  // namespace brick::host
