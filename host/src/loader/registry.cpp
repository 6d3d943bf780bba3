// Declarations <-> the registry's JSON, this host's fingerprint, and a block
// known only from its declaration.
#include <boost/json.hpp>

#include "brick/host/base/error.h"
#include "brick/host/loader/registry.h"
#include "brick/host/value/json.h"
#include "brick/registry/cache.h"
#include "brick/registry/search_path.h"
#include "brick/sdk/torch_fingerprint.h"

namespace brick::host {

namespace json = boost::json;

registry::HostFingerprint host_fingerprint() {
  registry::HostFingerprint f;
  f.sdk_abi = kHostAbi.str();
  f.torch = TORCH_VERSION;
  f.cuda = BRICK_CUDA_MAJOR;
  f.cxx_abi = "cxx11abi=" BRICK_STRINGIFY(_GLIBCXX_USE_CXX11_ABI);
  return f;
}

registry::RegistryOptions registry_options(std::vector<std::filesystem::path> dirs,
                                           std::vector<std::filesystem::path> files) {
  registry::RegistryOptions options;
  options.dirs = std::move(dirs);
  options.files = std::move(files);
  options.fingerprint = host_fingerprint();
  options.cache_file = registry::default_cache_path(options.fingerprint);
  return options;
}

namespace {

json::value value_json(const Value& v) { return v.is_none() ? json::value(nullptr) : json::parse(to_json(v)); }

Value json_value(const json::value& v) { return v.is_null() ? Value() : parse_json(json::serialize(v)); }

json::value optional_text(const std::optional<std::string>& s) { return s ? json::value(*s) : json::value(nullptr); }

json::array inputs_json(const std::vector<InputParam>& params) {
  json::array out;
  for (const InputParam& p : params) {
    out.push_back(json::object{{"name", optional_text(p.name)},
                               {"type_hint", p.type_hint},
                               {"default", value_json(p.default_value)},
                               {"required", p.required},
                               {"description", p.description},
                               {"kwargs_type", p.kwargs_type},
                               {"metadata", value_json(p.metadata)}});
  }
  return out;
}

json::array outputs_json(const std::vector<OutputParam>& params) {
  json::array out;
  for (const OutputParam& p : params) {
    out.push_back(json::object{{"name", p.name},
                               {"type_hint", p.type_hint},
                               {"description", p.description},
                               {"kwargs_type", p.kwargs_type},
                               {"metadata", value_json(p.metadata)}});
  }
  return out;
}

// Reading: every field is checked, so a damaged cache entry is an error that
// names the block, never a silently wrong doc.
class Reader {
 public:
  explicit Reader(std::string block) : block_(std::move(block)) {}
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(BRICK_ERR_INVALID_ARGUMENT, "cached declaration of block '" + block_ + "': " + what);
  }
  const json::object& object(const json::value& v, const std::string& what) const {
    if (!v.is_object()) fail(what + " is not an object");
    return v.get_object();
  }
  const json::array& array(const json::object& o, const char* key) const {
    const json::value* v = o.if_contains(key);
    if (!v) return empty_;
    if (!v->is_array()) fail(std::string("'") + key + "' is not a list");
    return v->get_array();
  }
  std::string text(const json::object& o, const char* key) const {
    const json::value* v = o.if_contains(key);
    if (!v || v->is_null()) return {};
    if (!v->is_string()) fail(std::string("'") + key + "' is not a string");
    return std::string(v->get_string());
  }
  std::optional<std::string> optional(const json::object& o, const char* key) const {
    const json::value* v = o.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    return text(o, key);
  }
  Value value(const json::object& o, const char* key) const {
    const json::value* v = o.if_contains(key);
    return v ? json_value(*v) : Value();
  }
  std::vector<InputParam> inputs(const json::object& o, const char* key) const {
    std::vector<InputParam> out;
    for (const json::value& item : array(o, key)) {
      const json::object& p = object(item, std::string("an item of '") + key + "'");
      InputParam in;
      in.name = optional(p, "name");
      in.type_hint = text(p, "type_hint");
      in.default_value = value(p, "default");
      const json::value* required = p.if_contains("required");
      in.required = required && required->is_bool() && required->get_bool();
      in.description = text(p, "description");
      in.kwargs_type = text(p, "kwargs_type");
      in.metadata = value(p, "metadata");
      if (!in.name && in.kwargs_type.empty())
        fail(std::string("an item of '") + key + "' has neither name nor kwargs_type");
      out.push_back(std::move(in));
    }
    return out;
  }
  std::vector<OutputParam> outputs(const json::object& o, const char* key) const {
    std::vector<OutputParam> out;
    for (const json::value& item : array(o, key)) {
      const json::object& p = object(item, std::string("an item of '") + key + "'");
      OutputParam param;
      param.name = text(p, "name");
      if (param.name.empty()) fail(std::string("an item of '") + key + "' has no name");
      param.type_hint = text(p, "type_hint");
      param.description = text(p, "description");
      param.kwargs_type = text(p, "kwargs_type");
      param.metadata = value(p, "metadata");
      out.push_back(std::move(param));
    }
    return out;
  }

 private:
  std::string block_;
  json::array empty_;
};

class DeclaredBlock final : public ModularPipelineBlocks {
 public:
  std::string qualified_name;
  std::string name, description_text, model;
  std::vector<InputParam> plain_inputs, legacy_inputs;
  std::vector<OutputParam> outputs_list;
  std::vector<ComponentSpec> components;
  std::vector<ConfigSpec> configs;
  std::string cached_doc;

  std::string class_name() const override { return name; }
  std::string doc() const override { return cached_doc.empty() ? ModularPipelineBlocks::doc() : cached_doc; }
  std::string description() const override { return description_text; }
  std::string model_name() const override { return model; }
  std::vector<InputParam> inputs() const override {
    // As PluginBlock: a legacy block lists its intermediate inputs too.
    std::vector<InputParam> all = plain_inputs;
    for (const InputParam& p : legacy_inputs) {
      bool listed = false;
      for (const InputParam& q : all) listed = listed || (p.name && q.name == p.name);
      if (!listed) all.push_back(p);
    }
    return all;
  }
  std::vector<InputParam> intermediate_inputs() const override { return legacy_inputs; }
  std::vector<OutputParam> intermediate_outputs() const override { return outputs_list; }
  std::vector<ComponentSpec> expected_components() const override { return components; }
  std::vector<ConfigSpec> expected_configs() const override { return configs; }

  void operator()(Components&, PipelineState&) override {
    throw BlockError(
        BRICK_ERR_UNSUPPORTED, qualified_name,
        "block '" + qualified_name + "' is known from the registry only; create it with Host::create_block to run it");
  }
  std::unique_ptr<ModularPipelineBlocks> clone() const override { return std::make_unique<DeclaredBlock>(*this); }
};

}  // namespace

std::string declaration_json(const ModularPipelineBlocks& block) {
  std::vector<InputParam> legacy = block.intermediate_inputs();
  std::vector<InputParam> plain;
  for (InputParam& p : block.inputs()) {
    bool is_legacy = false;
    for (const InputParam& q : legacy) is_legacy = is_legacy || (p.name && q.name == p.name);
    if (!is_legacy) plain.push_back(std::move(p));
  }
  json::array components;
  for (const ComponentSpec& c : block.expected_components()) {
    components.push_back(
        json::object{{"name", c.name},
                     {"type_hint", c.type_hint},
                     {"description", c.description},
                     {"config", value_json(c.config)},
                     {"pretrained_model_name_or_path", optional_text(c.pretrained_model_name_or_path)},
                     {"subfolder", c.subfolder},
                     {"variant", optional_text(c.variant)},
                     {"revision", optional_text(c.revision)},
                     {"default_creation_method",
                      c.default_creation_method == CreationMethod::FromConfig ? "from_config" : "from_pretrained"}});
  }
  json::array configs;
  for (const ConfigSpec& c : block.expected_configs()) {
    configs.push_back(
        json::object{{"name", c.name}, {"default", value_json(c.default_value)}, {"description", c.description}});
  }
  json::object decl{{"name", block.class_name()},
                    {"description", block.description()},
                    {"model_name", block.model_name()},
                    {"inputs", inputs_json(plain)},
                    {"intermediate_inputs", inputs_json(legacy)},
                    {"intermediate_outputs", outputs_json(block.intermediate_outputs())},
                    {"expected_components", std::move(components)},
                    {"expected_configs", std::move(configs)}};
  return json::serialize(decl);
}

std::unique_ptr<ModularPipelineBlocks> declared_block(const std::string& text, const std::string& qualified_name,
                                                      const std::string& doc) {
  Reader r(qualified_name);
  json::error_code ec;
  json::value root = json::parse(text, ec);
  if (ec) r.fail("not JSON (" + ec.message() + ")");
  const json::object& o = r.object(root, "the declaration");
  auto block = std::make_unique<DeclaredBlock>();
  block->qualified_name = qualified_name;
  block->cached_doc = doc;
  block->name = r.text(o, "name");
  if (block->name.empty()) r.fail("it has no name");
  block->description_text = r.text(o, "description");
  block->model = r.text(o, "model_name");
  block->plain_inputs = r.inputs(o, "inputs");
  block->legacy_inputs = r.inputs(o, "intermediate_inputs");
  block->outputs_list = r.outputs(o, "intermediate_outputs");
  for (const json::value& item : r.array(o, "expected_components")) {
    const json::object& c = r.object(item, "an expected component");
    ComponentSpec s;
    s.name = r.text(c, "name");
    if (s.name.empty()) r.fail("an expected component has no name");
    s.type_hint = r.text(c, "type_hint");
    s.description = r.text(c, "description");
    s.config = r.value(c, "config");
    s.pretrained_model_name_or_path = r.optional(c, "pretrained_model_name_or_path");
    s.subfolder = r.text(c, "subfolder");
    s.variant = r.optional(c, "variant");
    s.revision = r.optional(c, "revision");
    std::string method = r.text(c, "default_creation_method");
    if (method == "from_config") {
      s.default_creation_method = CreationMethod::FromConfig;
    } else if (method.empty() || method == "from_pretrained") {
      s.default_creation_method = CreationMethod::FromPretrained;
    } else {
      r.fail("component '" + s.name + "' has an unknown creation method '" + method + "'");
    }
    block->components.push_back(std::move(s));
  }
  for (const json::value& item : r.array(o, "expected_configs")) {
    const json::object& c = r.object(item, "an expected config");
    ConfigSpec s;
    s.name = r.text(c, "name");
    if (s.name.empty()) r.fail("an expected config has no name");
    s.default_value = r.value(c, "default");
    s.description = r.text(c, "description");
    block->configs.push_back(std::move(s));
  }
  return block;
}

registry::PluginRecord plugin_record(const Plugin& plugin, const BlockFactory* factory) {
  registry::PluginRecord r;
  r.path = plugin.path();
  r.abi = plugin.abi().str();
  r.name = plugin.name();
  r.version = plugin.version();
  r.description = plugin.description();
  r.torch_fingerprint = plugin.torch_fingerprint();
  for (const BlockClass& cls : plugin.block_classes()) {
    registry::BlockRecord b;
    b.name = cls.name();
    b.description = cls.description();
    try {
      std::unique_ptr<ModularPipelineBlocks> block = cls.create(Value(), factory);
      b.declaration_json = declaration_json(*block);
      b.doc = block->doc();
    } catch (const std::exception& e) {
      // A block that needs constructor arguments has no declaration of its own.
      b.declaration_error = e.what();
    }
    r.blocks.push_back(std::move(b));
  }
  // Component types declare a name and a description (their methods are
  // called by name; configs are the type's business).
  json::array types;
  std::vector<std::string> descriptions = plugin.component_class_descriptions();
  std::vector<std::string> names = plugin.component_class_names();
  for (size_t i = 0; i < names.size(); ++i) {
    types.push_back(json::object{{"name", plugin.name() + "." + names[i]}, {"description", descriptions[i]}});
  }
  r.component_types_json = json::serialize(types);
  return r;
}

std::vector<std::pair<std::string, std::string>> component_types_of(const registry::PluginRecord& record) {
  std::vector<std::pair<std::string, std::string>> out;
  Value types = parse_json(record.component_types_json.empty() ? "[]" : record.component_types_json);
  if (types.kind() != Value::Kind::List) return out;
  for (const Value& type : types.as_list()) {
    if (type.kind() != Value::Kind::Dict) continue;
    const Value* name = type.find("name");
    const Value* description = type.find("description");
    if (!name || name->kind() != Value::Kind::String) continue;
    out.emplace_back(name->as_string(),
                     description && description->kind() == Value::Kind::String ? description->as_string() : "");
  }
  return out;
}

}  // namespace brick::host
