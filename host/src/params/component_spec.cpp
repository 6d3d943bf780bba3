#include "brick/host/params/component_spec.h"

#include "brick/host/base/error.h"
#include "brick/host/value/object.h"
#include "value/python_text.h"

namespace brick::host {

const std::vector<std::string>& loading_fields() {
  static const std::vector<std::string> fields{"pretrained_model_name_or_path", "subfolder", "variant", "revision"};
  return fields;
}

std::optional<LoadFields> decode_load_id(std::string_view load_id) {
  if (load_id.empty() || load_id == "null") return std::nullopt;
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t bar = load_id.find('|', start);
    parts.emplace_back(load_id.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start));
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  if (parts.size() != 4) return std::nullopt;
  auto field = [](const std::string& s) -> std::optional<std::string> {
    if (s == "null") return std::nullopt;
    return s;
  };
  LoadFields fields;
  fields.pretrained_model_name_or_path = field(parts[0]);
  fields.subfolder = parts[1];
  fields.variant = field(parts[2]);
  fields.revision = field(parts[3]);
  return fields;
}

ComponentSpec spec_from_component(const std::string& name, const Value& component) {
  ComponentSpec spec;
  spec.name = name;
  if (!component.is_object()) {
    spec.type_hint = component.kind_name();
    spec.default_creation_method = CreationMethod::FromConfig;
    return spec;
  }
  std::shared_ptr<Object> object = component.as_object();
  spec.type_hint = join_type_hint(object->library(), object->class_name());
  if (std::optional<LoadFields> fields = decode_load_id(object->load_id())) {
    spec.pretrained_model_name_or_path = fields->pretrained_model_name_or_path;
    spec.subfolder = fields->subfolder;
    spec.variant = fields->variant;
    spec.revision = fields->revision;
    spec.default_creation_method = CreationMethod::FromPretrained;
    return spec;
  }
  if (object->is_model()) {
    std::string message = "Cannot create ComponentSpec from ";
    message += name;
    message += '(';
    message += object->class_name();
    message += "). Model object with no load_id cannot be used to create a spec";
    throw Error(BRICK_ERR_INVALID_ARGUMENT, message);
  }
  spec.config = object->config();
  spec.default_creation_method = CreationMethod::FromConfig;
  return spec;
}

std::pair<std::optional<std::string>, std::optional<std::string>> split_type_hint(std::string_view type_hint) {
  if (type_hint.empty()) return {std::nullopt, std::nullopt};
  size_t dot = type_hint.rfind('.');
  if (dot == std::string_view::npos) return {std::nullopt, std::string(type_hint)};
  return {std::string(type_hint.substr(0, dot)), std::string(type_hint.substr(dot + 1))};
}

std::string join_type_hint(const std::optional<std::string>& library, const std::optional<std::string>& class_name) {
  std::string out = library ? *library : std::string();
  if (library) out += '.';
  if (class_name) out += *class_name;
  if (!library && !class_name) return {};
  return out;
}

const char* creation_method_name(CreationMethod method) {
  return method == CreationMethod::FromConfig ? "from_config" : "from_pretrained";
}

std::string spec_repr(const ComponentSpec& spec) {
  auto text = [](const std::optional<std::string>& v) {
    return v ? detail::python_string_repr(*v) : std::string("None");
  };
  std::string out = "ComponentSpec(name=";
  out += detail::python_string_repr(spec.name);
  out += ", type_hint=" + (spec.type_hint.empty() ? std::string("None") : detail::python_string_repr(spec.type_hint));
  out += ", config=" + spec.config.repr();
  out += ", pretrained_model_name_or_path=" + text(spec.pretrained_model_name_or_path);
  out += ", subfolder=" + detail::python_string_repr(spec.subfolder);
  out += ", variant=" + text(spec.variant);
  out += ", revision=" + text(spec.revision);
  out += ", default_creation_method=" + detail::python_string_repr(creation_method_name(spec.default_creation_method));
  out += ")";
  return out;
}

bool same_declaration(const ComponentSpec& a, const ComponentSpec& b) {
  return a.name == b.name && a.type_hint == b.type_hint && a.config == b.config &&
         a.pretrained_model_name_or_path == b.pretrained_model_name_or_path && a.subfolder == b.subfolder &&
         a.variant == b.variant && a.revision == b.revision && a.default_creation_method == b.default_creation_method;
}

}  // namespace brick::host
