#include "declarations.h"

#include "brick/host/base/error.h"
#include "brick/host/base/names.h"
#include "brick/host/value/json.h"

namespace brick::host::detail {

namespace {

std::string text(const char* s) { return s ? s : ""; }

[[noreturn]] void bad(const std::string& block, const std::string& what) {
  throw Error(BRICK_ERR_BAD_PLUGIN, "block '" + block + "': " + what);
}

Value json_field(const char* json, const std::string& block, const std::string& what) {
  if (!json) return Value();
  try {
    return parse_json(json);
  } catch (const Error&) {
    bad(block, what + " is not valid JSON: " + json);
  }
}

// Reads `count` structs a plugin declared, each through
// `convert(copy, index, block)`.
template <class T, class C, class F>
std::vector<T> read_all(const C* const* items, uint32_t count, const std::string& block, const char* what,
                        F&& convert) {
  if (count && !items) bad(block, "declares " + std::to_string(count) + " " + what + "s but gives no array");
  std::vector<T> out;
  for (uint32_t i = 0; i < count; ++i) {
    if (!items[i] || items[i]->struct_size < sizeof(uint32_t))
      bad(block, std::string(what) + " " + std::to_string(i) + " is missing");
    out.push_back(convert(read_struct(items[i]), i, block));
  }
  return out;
}

std::string required_name(const char* name, const std::string& block, const char* what, uint32_t index) {
  if (!name || !*name) bad(block, std::string(what) + " " + std::to_string(index) + " has no name");
  return name;
}

std::vector<InputParam> read_inputs(const brick_input_param* const* items, uint32_t count, const std::string& block,
                                    const char* what) {
  return read_all<InputParam>(
      items, count, block, what, [&](const brick_input_param& c, uint32_t i, const std::string&) {
        if (!c.name && !c.kwargs_type)
          bad(block, std::string(what) + " " + std::to_string(i) + " has neither a name nor a kwargs_type");
        std::string where = std::string(what) + " '" + (c.name ? c.name : "**" + text(c.kwargs_type)) + "'";
        InputParam p;
        if (c.name) p.name = c.name;
        p.type_hint = text(c.type_hint);
        p.default_value = json_field(c.default_json, block, where + " default");
        p.required = c.required != 0;
        p.description = text(c.description);
        p.kwargs_type = text(c.kwargs_type);
        p.metadata = json_field(c.metadata_json, block, where + " metadata");
        return p;
      });
}

OutputParam read_output(const brick_output_param& c, uint32_t i, const std::string& block) {
  OutputParam o;
  o.name = required_name(c.name, block, "output", i);
  o.type_hint = text(c.type_hint);
  o.description = text(c.description);
  o.kwargs_type = text(c.kwargs_type);
  o.metadata = json_field(c.metadata_json, block, "output '" + o.name + "' metadata");
  return o;
}

ComponentSpec read_component(const brick_component_spec& c, uint32_t i, const std::string& block) {
  ComponentSpec s;
  s.name = required_name(c.name, block, "component", i);
  s.type_hint = text(c.type_hint);
  s.description = text(c.description);
  s.config = json_field(c.config_json, block, "component '" + s.name + "' config");
  if (c.pretrained_model_name_or_path) s.pretrained_model_name_or_path = c.pretrained_model_name_or_path;
  s.subfolder = text(c.subfolder);
  if (c.variant) s.variant = c.variant;
  if (c.revision) s.revision = c.revision;
  switch (c.default_creation_method) {
    case BRICK_CREATE_FROM_PRETRAINED:
      s.default_creation_method = CreationMethod::FromPretrained;
      break;
    case BRICK_CREATE_FROM_CONFIG:
      s.default_creation_method = CreationMethod::FromConfig;
      break;
    default:
      bad(block,
          "component '" + s.name + "' has an unknown creation method " + std::to_string(c.default_creation_method));
  }
  return s;
}

ConfigSpec read_config(const brick_config_spec& c, uint32_t i, const std::string& block) {
  ConfigSpec s;
  s.name = required_name(c.name, block, "config", i);
  s.default_value = json_field(c.default_json, block, "config '" + s.name + "' default");
  s.description = text(c.description);
  return s;
}

WorkflowMap read_workflows(const char* json, const std::string& block) {
  try {
    return parse_workflow_map(json_field(json, block, "the workflow map"));
  } catch (const Error& e) {
    if (e.status() == BRICK_ERR_BAD_PLUGIN) throw;
    bad(block, e.what());
  }
}

void read_composite(const brick_block_decl& decl, const std::string& block, BlockDeclaration& out) {
  if (decl.kind < BRICK_BLOCK_LEAF || decl.kind > BRICK_BLOCK_AUTO) {
    bad(block, "it declares an unknown block kind " + std::to_string(decl.kind));
  }
  out.kind = decl.kind;
  out.sub_blocks = read_all<BlockDeclaration::SubBlock>(
      decl.sub_blocks, decl.num_sub_blocks, block, "sub-block",
      [&](const brick_sub_block& c, uint32_t i, const std::string&) {
        BlockDeclaration::SubBlock sub;
        sub.name = required_name(c.name, block, "sub-block", i);
        if (!c.block || !*c.block) bad(block, "sub-block '" + sub.name + "' names no block");
        sub.block = c.block;
        sub.config = json_field(c.config_json, block, "sub-block '" + sub.name + "' config");
        return sub;
      });
  if (out.kind == BRICK_BLOCK_LEAF && !out.sub_blocks.empty()) bad(block, "a leaf block declares sub-blocks");
  if (decl.num_block_trigger_inputs && !decl.block_trigger_inputs)
    bad(block, "declares trigger inputs but gives no array");
  for (uint32_t i = 0; i < decl.num_block_trigger_inputs; ++i) {
    const char* t = decl.block_trigger_inputs[i];
    if (t) {
      out.block_trigger_inputs.emplace_back(t);
    } else {
      out.block_trigger_inputs.emplace_back(std::nullopt);
    }
  }
  if (decl.default_block_name) out.default_block_name = decl.default_block_name;
  if (decl.workflows_json) out.workflows = read_workflows(decl.workflows_json, block);
  if (decl.has_outputs) {
    out.outputs_override = read_all<OutputParam>(decl.outputs, decl.num_outputs, block, "output", read_output);
  }
}

}  // namespace

BlockDeclaration read_declaration(const brick_block_decl* decl_ptr, const std::string& block) {
  if (!decl_ptr) throw Error(BRICK_ERR_BAD_PLUGIN, "block '" + block + "' has no declaration");
  brick_block_decl decl = read_struct(decl_ptr);
  if (!decl.name || !is_identifier(decl.name))
    bad(block, "its class name '" + text(decl.name) + "' is not an identifier");
  BlockDeclaration out;
  out.name = decl.name;
  out.description = text(decl.description);
  out.model_name = text(decl.model_name);
  out.inputs = read_inputs(decl.inputs, decl.num_inputs, block, "input");
  out.intermediate_inputs =
      read_inputs(decl.intermediate_inputs, decl.num_intermediate_inputs, block, "intermediate input");
  out.outputs =
      read_all<OutputParam>(decl.intermediate_outputs, decl.num_intermediate_outputs, block, "output", read_output);
  out.components = read_all<ComponentSpec>(decl.expected_components, decl.num_expected_components, block, "component",
                                           read_component);
  out.configs = read_all<ConfigSpec>(decl.expected_configs, decl.num_expected_configs, block, "config", read_config);
  read_composite(decl, block, out);
  out.flags = decl.flags;
  if (out.flags & ~uint32_t{BRICK_BLOCK_NEEDS_GRAD})
    bad(block, "it declares unknown flags " + std::to_string(out.flags & ~uint32_t{BRICK_BLOCK_NEEDS_GRAD}));
  return out;
}

}  // namespace brick::host::detail
