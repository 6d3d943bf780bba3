#include "declarations.h"

#include "brick/host/error.h"
#include "brick/host/json.h"

namespace brick::host::detail {

namespace {

std::string text(const char* s) { return s ? s : ""; }

Value json_field(const char* json, const std::string& block, const std::string& what) {
  if (!json) return Value();
  try {
    return parse_json(json);
  } catch (const Error& e) {
    throw Error(BRICK_ERR_BAD_PLUGIN, "block '" + block + "': " + what + " is not valid JSON: " + json);
  }
}

template <class T>
void check_array(const T* const* items, uint32_t count, const std::string& block, const char* what) {
  if (count && !items) {
    throw Error(BRICK_ERR_BAD_PLUGIN, "block '" + block + "' declares " + std::to_string(count) + " " + what +
                                          " but gives no array");
  }
  for (uint32_t i = 0; i < count; ++i) {
    if (!items[i] || items[i]->struct_size < sizeof(uint32_t)) {
      throw Error(BRICK_ERR_BAD_PLUGIN, "block '" + block + "': " + what + " " + std::to_string(i) + " is missing");
    }
  }
}

std::vector<InputParam> read_inputs(const brick_input_param* const* items, uint32_t count, const std::string& block,
                                    const char* what) {
  check_array(items, count, block, what);
  std::vector<InputParam> out;
  for (uint32_t i = 0; i < count; ++i) {
    brick_input_param c = read_struct(items[i]);
    std::string where = std::string(what) + " '" + (c.name ? c.name : "**" + text(c.kwargs_type)) + "'";
    if (!c.name && !c.kwargs_type) {
      throw Error(BRICK_ERR_BAD_PLUGIN, "block '" + block + "': " + what + " " + std::to_string(i) +
                                            " has neither a name nor a kwargs_type");
    }
    InputParam p;
    if (c.name) p.name = c.name;
    p.type_hint = text(c.type_hint);
    p.default_value = json_field(c.default_json, block, where + " default");
    p.required = c.required != 0;
    p.description = text(c.description);
    p.kwargs_type = text(c.kwargs_type);
    p.metadata = json_field(c.metadata_json, block, where + " metadata");
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

bool is_identifier(const char* name) {
  if (!name || !*name) return false;
  for (const char* c = name; *c; ++c) {
    bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_';
    if (!ok) return false;
  }
  return true;
}

BlockDeclaration read_declaration(const brick_block_decl* decl_ptr, const std::string& block) {
  if (!decl_ptr) throw Error(BRICK_ERR_BAD_PLUGIN, "block '" + block + "' has no declaration");
  brick_block_decl decl = read_struct(decl_ptr);
  if (!is_identifier(decl.name)) {
    throw Error(BRICK_ERR_BAD_PLUGIN, "block '" + block + "' declares an invalid class name '" + text(decl.name) + "'");
  }
  BlockDeclaration out;
  out.name = decl.name;
  out.description = text(decl.description);
  out.model_name = text(decl.model_name);
  out.inputs = read_inputs(decl.inputs, decl.num_inputs, block, "input");
  out.intermediate_inputs =
      read_inputs(decl.intermediate_inputs, decl.num_intermediate_inputs, block, "intermediate input");

  check_array(decl.intermediate_outputs, decl.num_intermediate_outputs, block, "output");
  for (uint32_t i = 0; i < decl.num_intermediate_outputs; ++i) {
    brick_output_param c = read_struct(decl.intermediate_outputs[i]);
    if (!c.name || !*c.name) {
      throw Error(BRICK_ERR_BAD_PLUGIN, "block '" + block + "': output " + std::to_string(i) + " has no name");
    }
    OutputParam o;
    o.name = c.name;
    o.type_hint = text(c.type_hint);
    o.description = text(c.description);
    o.kwargs_type = text(c.kwargs_type);
    o.metadata = json_field(c.metadata_json, block, "output '" + o.name + "' metadata");
    out.outputs.push_back(std::move(o));
  }

  check_array(decl.expected_components, decl.num_expected_components, block, "component");
  for (uint32_t i = 0; i < decl.num_expected_components; ++i) {
    brick_component_spec c = read_struct(decl.expected_components[i]);
    if (!c.name || !*c.name) {
      throw Error(BRICK_ERR_BAD_PLUGIN, "block '" + block + "': component " + std::to_string(i) + " has no name");
    }
    ComponentSpec s;
    s.name = c.name;
    s.type_hint = text(c.type_hint);
    s.description = text(c.description);
    s.config = json_field(c.config_json, block, "component '" + s.name + "' config");
    if (c.pretrained_model_name_or_path) s.pretrained_model_name_or_path = c.pretrained_model_name_or_path;
    s.subfolder = text(c.subfolder);
    if (c.variant) s.variant = c.variant;
    if (c.revision) s.revision = c.revision;
    if (c.default_creation_method != BRICK_CREATE_FROM_PRETRAINED && c.default_creation_method != BRICK_CREATE_FROM_CONFIG) {
      throw Error(BRICK_ERR_BAD_PLUGIN, "block '" + block + "': component '" + s.name +
                                            "' has an unknown creation method " +
                                            std::to_string(c.default_creation_method));
    }
    s.default_creation_method =
        c.default_creation_method == BRICK_CREATE_FROM_CONFIG ? CreationMethod::FromConfig : CreationMethod::FromPretrained;
    out.components.push_back(std::move(s));
  }

  check_array(decl.expected_configs, decl.num_expected_configs, block, "config");
  for (uint32_t i = 0; i < decl.num_expected_configs; ++i) {
    brick_config_spec c = read_struct(decl.expected_configs[i]);
    if (!c.name || !*c.name) {
      throw Error(BRICK_ERR_BAD_PLUGIN, "block '" + block + "': config " + std::to_string(i) + " has no name");
    }
    ConfigSpec s;
    s.name = c.name;
    s.default_value = json_field(c.default_json, block, "config '" + s.name + "' default");
    s.description = text(c.description);
    out.configs.push_back(std::move(s));
  }
  return out;
}

}  // namespace brick::host::detail
