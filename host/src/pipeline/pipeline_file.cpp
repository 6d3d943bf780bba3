#include "brick/host/pipeline/pipeline_file.h"

#include <fstream>
#include <initializer_list>
#include <sstream>

#include "brick/host/base/names.h"
#include "brick/host/blocks/conditional_blocks.h"
#include "brick/host/blocks/loop_blocks.h"
#include "brick/host/blocks/sequential_blocks.h"
#include "brick/host/blocks/workflow.h"
#include "brick/host/components/model_search_path.h"
#include "brick/host/components/single_file_checkpoint.h"
#include "brick/host/loader/host.h"
#include "brick/host/pipeline/single_file_pipeline.h"
#include "brick/host/value/json.h"

namespace brick::host {

namespace {

// The shape of one entry of "blocks".
enum class NodeKind { Block, Sequential, Auto, Loop };

struct Where {
  const std::string& origin;

  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw PipelineFileError(origin, path, origin + ": at " + path + ": " + what);
  }

  const Value::Dict& object(const Value& v, const std::string& path) const {
    if (v.kind() != Value::Kind::Dict) fail(path, std::string("expected an object, got ") + describe(v));
    return v.as_dict();
  }
  const std::string& string(const Value& v, const std::string& path) const {
    if (v.kind() != Value::Kind::String) fail(path, std::string("expected a string, got ") + describe(v));
    return v.as_string();
  }
  void keys(const Value::Dict& dict, const std::string& path, std::initializer_list<const char*> allowed) const {
    for (const auto& [key, value] : dict) {
      bool known = false;
      for (const char* a : allowed) known = known || key == a;
      if (known) continue;
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "\"" : ", \"") + std::string(a) + "\"";
      fail(path, "unknown key \"" + key + "\" (expected " + list + ")");
    }
  }

  static std::string describe(const Value& v) {
    switch (v.kind()) {
      case Value::Kind::None:
        return "null";
      case Value::Kind::Bool:
        return "a boolean";
      case Value::Kind::Int:
      case Value::Kind::Float:
        return "a number";
      case Value::Kind::String:
        return "the string " + v.repr();
      case Value::Kind::List:
        return "an array";
      case Value::Kind::Dict:
        return "an object";
      default:
        return v.kind_name();
    }
  }
};

std::string child_path(const std::string& path, const char* key, const std::string& name) {
  std::string out = path + "." + key;
  if (is_identifier(name)) return out + "." + name;
  return out + "[" + Value(name).repr() + "]";
}

const Value* member(const Value::Dict& dict, std::string_view key) {
  for (const auto& [k, v] : dict) {
    if (k == key) return &v;
  }
  return nullptr;
}

NodeKind kind_of(const Value& node, const Where& where, const std::string& path) {
  if (node.kind() == Value::Kind::String) return NodeKind::Block;
  if (node.kind() != Value::Kind::Dict) {
    where.fail(path, "expected \"plugin.Block\" or an object with \"block\", \"sequential\", \"auto\" or \"loop\"");
  }
  const Value::Dict& dict = node.as_dict();
  int found = 0;
  NodeKind kind = NodeKind::Block;
  for (const auto& [key, value] : dict) {
    (void)value;
    if (key == "block") kind = NodeKind::Block, ++found;
    if (key == "sequential") kind = NodeKind::Sequential, ++found;
    if (key == "auto") kind = NodeKind::Auto, ++found;
    if (key == "loop") kind = NodeKind::Loop, ++found;
  }
  if (found != 1) {
    where.fail(path, found ? "a block entry has exactly one of \"block\", \"sequential\", \"auto\", \"loop\""
                           : "an object entry needs one of \"block\", \"sequential\", \"auto\" or \"loop\"");
  }
  return kind;
}

// "plugin.Block", checked; returns the plugin name.
std::string block_name(const Value& v, const Where& where, const std::string& path) {
  const std::string& name = where.string(v, path);
  std::optional<QualifiedName> split = split_qualified_name(name);
  if (!split || !is_identifier(split->plugin) || !is_identifier(split->name)) {
    where.fail(path, "expected a block named plugin.Block, got '" + name + "'");
  }
  return std::string(split->plugin);
}

// Checks one entry and everything below it; collects the plugins named.
void check_node(const Value& node, const Where& where, const std::string& path, std::vector<std::string>& plugins) {
  auto note = [&plugins](std::string plugin) {
    for (const std::string& p : plugins) {
      if (p == plugin) return;
    }
    plugins.push_back(std::move(plugin));
  };
  auto check_children = [&](const Value& children, const char* key) {
    for (const auto& [name, child] : where.object(children, path + "." + key)) {
      check_node(child, where, child_path(path, key, name), plugins);
    }
  };
  NodeKind kind = kind_of(node, where, path);
  if (node.kind() == Value::Kind::String) {
    note(block_name(node, where, path));
    return;
  }
  const Value::Dict& dict = node.as_dict();
  switch (kind) {
    case NodeKind::Block:
    case NodeKind::Loop: {
      const char* key = kind == NodeKind::Block ? "block" : "loop";
      where.keys(dict, path, {key, "config", "blocks"});
      note(block_name(*member(dict, key), where, path + "." + key));
      if (const Value* config = member(dict, "config")) where.object(*config, path + ".config");
      if (const Value* children = member(dict, "blocks")) check_children(*children, "blocks");
      if (kind == NodeKind::Loop && !member(dict, "blocks"))
        where.fail(path, "a loop needs \"blocks\" (its sub-blocks)");
      break;
    }
    case NodeKind::Sequential: {
      where.keys(dict, path, {"sequential", "class_name", "description", "model_name", "outputs", "workflows"});
      check_children(*member(dict, "sequential"), "sequential");
      if (const Value* outputs = member(dict, "outputs")) {
        if (outputs->kind() != Value::Kind::List) where.fail(path + ".outputs", "expected an array of output names");
        for (const Value& o : outputs->as_list()) where.string(o, path + ".outputs");
      }
      if (const Value* workflows = member(dict, "workflows")) {
        try {
          parse_workflow_map(*workflows);
        } catch (const Error& e) {
          where.fail(path + ".workflows", e.what());
        }
      }
      for (const char* key : {"class_name", "description", "model_name"}) {
        if (const Value* v = member(dict, key)) where.string(*v, path + "." + key);
      }
      break;
    }
    case NodeKind::Auto: {
      where.keys(dict, path, {"auto", "triggers", "class_name", "description"});
      const Value::Dict& children = where.object(*member(dict, "auto"), path + ".auto");
      check_children(*member(dict, "auto"), "auto");
      const Value* triggers = member(dict, "triggers");
      if (!triggers || triggers->kind() != Value::Kind::List) {
        where.fail(path + ".triggers",
                   "an auto block needs \"triggers\": one input name (or null for the default) "
                   "per sub-block");
      }
      if (triggers->as_list().size() != children.size()) {
        where.fail(path + ".triggers", "expected " + std::to_string(children.size()) +
                                           " triggers (one per sub-block), got " +
                                           std::to_string(triggers->as_list().size()));
      }
      for (const Value& t : triggers->as_list()) {
        if (!t.is_none()) where.string(t, path + ".triggers");
      }
      for (const char* key : {"class_name", "description"}) {
        if (const Value* v = member(dict, key)) where.string(*v, path + "." + key);
      }
      break;
    }
  }
}

BlockPtr build_node(const Value& node, const BlockFactory& factory, const Where& where, const std::string& path);

NamedBlocks build_children(const Value& children, const char* key, const BlockFactory& factory, const Where& where,
                           const std::string& path) {
  NamedBlocks out;
  for (const auto& [name, child] : children.as_dict()) {
    out.emplace_back(name, build_node(child, factory, where, child_path(path, key, name)));
  }
  return out;
}

BlockPtr create(const BlockFactory& factory, const std::string& name, const Value& config, const Where& where,
                const std::string& path) {
  try {
    return factory.create_block(name, config);
  } catch (const PipelineFileError&) {
    throw;
  } catch (const Error& e) {
    where.fail(path, e.what());
  }
}

// A loop wrapper's sub-blocks, replaced by the file's (from_blocks_dict).
void replace_loop_blocks(ModularPipelineBlocks& block, const Value& children, const BlockFactory& factory,
                         const Where& where, const std::string& path, const std::string& name) {
  auto* loop = dynamic_cast<LoopSequentialPipelineBlocks*>(&block);
  if (!loop) {
    where.fail(path + ".blocks", "\"blocks\" sets a loop wrapper's sub-blocks, but '" + name + "' (" +
                                     block.class_name() + ") is not a loop wrapper");
  }
  for (const std::string& old : loop->sub_blocks().names()) loop->sub_blocks().pop(old);
  for (auto& [child_name, child] : build_children(children, "blocks", factory, where, path)) {
    if (!child->is_leaf()) {
      where.fail(child_path(path, "blocks", child_name), "a loop's sub-blocks must be leaf blocks, but '" + child_name +
                                                             "' (" + child->class_name() + ") has sub-blocks");
    }
    loop->sub_blocks().set(child_name, std::move(child));
  }
}

BlockPtr build_node(const Value& node, const BlockFactory& factory, const Where& where, const std::string& path) {
  if (node.kind() == Value::Kind::String) return create(factory, node.as_string(), Value(), where, path);
  const Value::Dict& dict = node.as_dict();
  auto text = [&dict](const char* key) {
    const Value* v = member(dict, key);
    return v ? v->as_string() : std::string();
  };
  switch (kind_of(node, where, path)) {
    case NodeKind::Block:
    case NodeKind::Loop: {
      const char* key = member(dict, "block") ? "block" : "loop";
      const std::string& name = member(dict, key)->as_string();
      const Value* config = member(dict, "config");
      BlockPtr block = create(factory, name, config ? *config : Value(), where, path);
      if (const Value* children = member(dict, "blocks")) {
        replace_loop_blocks(*block, *children, factory, where, path, name);
      } else if (std::string(key) == "loop" && !dynamic_cast<LoopSequentialPipelineBlocks*>(block.get())) {
        where.fail(path + ".loop", "'" + name + "' (" + block->class_name() + ") is not a loop wrapper");
      }
      return block;
    }
    case NodeKind::Sequential: {
      auto block = std::make_unique<SequentialPipelineBlocks>(
          build_children(*member(dict, "sequential"), "sequential", factory, where, path));
      if (member(dict, "class_name")) block->set_class_name(text("class_name"));
      block->set_description(text("description"));
      block->set_model_name(text("model_name"));
      if (const Value* workflows = member(dict, "workflows")) block->set_workflow_map(parse_workflow_map(*workflows));
      if (const Value* outputs = member(dict, "outputs")) {
        std::vector<OutputParam> merged = block->intermediate_outputs(), chosen;
        for (const Value& name : outputs->as_list()) {
          const OutputParam* found = nullptr;
          for (const OutputParam& o : merged) found = o.name == name.as_string() ? &o : found;
          if (!found) {
            std::string known;
            for (const OutputParam& o : merged) known += (known.empty() ? "" : ", ") + o.name;
            where.fail(path + ".outputs", "no sub-block outputs '" + name.as_string() +
                                              "' (outputs: " + (known.empty() ? "none" : known) + ")");
          }
          chosen.push_back(*found);
        }
        block->set_outputs(std::move(chosen));
      }
      return block;
    }
    case NodeKind::Auto: {
      std::vector<std::optional<std::string>> triggers;
      for (const Value& t : member(dict, "triggers")->as_list()) {
        triggers.push_back(t.is_none() ? std::nullopt : std::optional<std::string>(t.as_string()));
      }
      std::string class_name = member(dict, "class_name") ? text("class_name") : "AutoPipelineBlocks";
      try {
        auto block = std::make_unique<AutoPipelineBlocks>(
            class_name, build_children(*member(dict, "auto"), "auto", factory, where, path), std::move(triggers));
        block->set_description(text("description"));
        return block;
      } catch (const PipelineFileError&) {
        throw;
      } catch (const Error& e) {
        where.fail(path, e.what());
      }
    }
  }
  where.fail(path, "unknown block entry");
}

}  // namespace

PipelineFile PipelineFile::read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw PipelineFileError(path.string(), "", path.string() + ": cannot read the pipeline file");
  // Refused before reading: a pipeline file is never this large, and a
  // wrong path (a model's weights, /dev/zero) must not fill the memory.
  std::error_code ec;
  uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxJsonDocumentBytes) {
    throw PipelineFileError(path.string(), "",
                            path.string() + ": the pipeline file is " + std::to_string(size) +
                                " bytes, more than the 64 MiB a JSON document may have");
  }
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str(), path.string(), path.parent_path());
}

PipelineFile PipelineFile::parse(std::string_view text, std::string origin, const std::filesystem::path& base_dir) {
  Value doc;
  try {
    doc = parse_json_document(text, origin);
  } catch (const Error& e) {
    throw PipelineFileError(origin, "", e.what());
  }
  PipelineFile file;
  file.origin_ = std::move(origin);
  Where where{file.origin_};
  const Value::Dict& top = where.object(doc, "the top level");
  where.keys(top, "the top level",
             {"brick_pipeline", "description", "requires", "plugin_dirs", "pretrained_model_name_or_path", "blocks",
              "inputs", "configs", "components"});

  const Value* version = member(top, "brick_pipeline");
  if (!version) where.fail("brick_pipeline", "missing: a pipeline file starts with \"brick_pipeline\": 1");
  if (version->kind() != Value::Kind::Int || version->as_int() < 1) {
    where.fail("brick_pipeline", "expected the format version 1, got " + Where::describe(*version));
  }
  if (version->as_int() > kFormatVersion) {
    where.fail("brick_pipeline", "the file has format " + std::to_string(version->as_int()) +
                                     "; this host reads format " + std::to_string(kFormatVersion));
  }
  if (const Value* d = member(top, "description")) file.description_ = where.string(*d, "description");
  if (const Value* r = member(top, "requires")) {
    for (const auto& [plugin, spec] : where.object(*r, "requires")) {
      if (!is_identifier(plugin)) where.fail("requires", "'" + plugin + "' is not a plugin name");
      file.requires_.emplace_back(plugin, where.string(spec, "requires." + plugin));
    }
  }
  if (const Value* dirs = member(top, "plugin_dirs")) {
    if (dirs->kind() != Value::Kind::List) where.fail("plugin_dirs", "expected an array of folders");
    for (const Value& d : dirs->as_list()) {
      std::filesystem::path dir = where.string(d, "plugin_dirs");
      file.plugin_dirs_.push_back(dir.is_absolute() ? dir : base_dir / dir);
    }
  }
  if (const Value* repo = member(top, "pretrained_model_name_or_path")) {
    file.repository_ = where.string(*repo, "pretrained_model_name_or_path");
    file.base_dir_ = base_dir;
  }
  const Value* blocks = member(top, "blocks");
  if (!blocks) where.fail("blocks", "missing: the pipeline's blocks");
  std::vector<std::string> plugins;
  check_node(*blocks, where, "blocks", plugins);
  file.blocks_ = *blocks;
  if (const Value* inputs = member(top, "inputs")) file.inputs_ = where.object(*inputs, "inputs");
  if (const Value* configs = member(top, "configs")) file.configs_ = where.object(*configs, "configs");
  if (const Value* components = member(top, "components")) {
    for (const auto& [name, fields] : where.object(*components, "components")) {
      std::string path = "components." + name;
      Value::Dict entry = where.object(fields, path);
      where.keys(entry, path,
                 {"type_hint", "description", "config", "pretrained_model_name_or_path", "subfolder", "variant",
                  "revision", "default_creation_method"});
      for (auto& [key, value] : entry) {
        if (key == "config") {
          where.object(value, path + ".config");
        } else if (!(value.is_none() &&
                     (key == "variant" || key == "revision" || key == "pretrained_model_name_or_path"))) {
          where.string(value, path + "." + key);
        }
        if (key == "default_creation_method" && value.as_string() != "from_config" &&
            value.as_string() != "from_pretrained") {
          where.fail(path + "." + key,
                     "expected \"from_config\" or \"from_pretrained\", got '" + value.as_string() + "'");
        }
        if (key == "pretrained_model_name_or_path" && !value.is_none()) {
          std::filesystem::path repo = value.as_string();
          if (repo.is_relative() && !base_dir.empty()) value = Value((base_dir / repo).string());
        }
      }
      file.components_.emplace_back(name, Value::dict(std::move(entry)));
    }
  }
  return file;
}

void PipelineFile::set_pretrained_model_name_or_path(std::string name_or_path, std::filesystem::path base_dir) {
  repository_ = std::move(name_or_path);
  base_dir_ = std::move(base_dir);
  repository_set_ = true;
}

std::optional<std::filesystem::path> PipelineFile::single_file() const {
  if (repository_.empty()) return std::nullopt;
  std::filesystem::path path(repository_);
  if (path.is_relative() && !base_dir_.empty()) path = base_dir_ / path;
  if (!is_single_file_checkpoint(path)) return std::nullopt;
  return path;
}

std::filesystem::path PipelineFile::repository() const {
  if (repository_.empty()) return {};
  if (std::optional<std::filesystem::path> file = single_file()) return *file;
  if (repository_set_) return resolve_model_repository(repository_, base_dir_);
  try {
    return resolve_model_repository(repository_, base_dir_);
  } catch (const Error& e) {
    Where{origin_}.fail("pretrained_model_name_or_path", e.what());
  }
}

std::vector<std::string> PipelineFile::plugin_names() const {
  std::vector<std::string> plugins;
  check_node(blocks_, Where{origin_}, "blocks", plugins);
  return plugins;
}

Kwargs PipelineFile::inputs_with(const Kwargs& overrides) const {
  Kwargs out = inputs_;
  for (const auto& [name, value] : overrides) {
    bool replaced = false;
    for (auto& [k, v] : out) {
      if (k == name) {
        v = value;
        replaced = true;
      }
    }
    if (!replaced) out.emplace_back(name, value);
  }
  return out;
}

BlockPtr PipelineFile::build_blocks(const BlockFactory& factory) const {
  return build_node(blocks_, factory, Where{origin_}, "blocks");
}

ModularPipeline PipelineFile::init_pipeline(const BlockFactory& factory, std::string_view workflow,
                                            PipelineOptions options) const {
  BlockPtr blocks = build_blocks(factory);
  std::vector<ConfigSpec> declared = blocks->expected_configs();
  if (!workflow.empty()) blocks = blocks->get_workflow(workflow);
  // A host knows its plugins' component types; ask it after the blocks are
  // made, since making them may have loaded plugins.
  const auto* host = dynamic_cast<const Host*>(&factory);
  if (!options.component_types && host) options.component_types = host->component_types();
  if (!options.host) options.host = host;
  std::optional<std::filesystem::path> file = single_file();
  check_model_config(model_config_, repository_, file.has_value());
  ModularPipeline pipe = file ? from_single_file(*file, std::move(blocks), std::move(options), model_config_)
                         : repository_.empty()
                             ? ModularPipeline(std::move(blocks), std::move(options))
                             : ModularPipeline::from_pretrained(repository(), std::move(blocks), std::move(options));
  for (const auto& [name, fields] : components_) {
    ComponentSpec spec;
    try {
      spec = pipe.get_component_spec(name);
    } catch (const Error&) {
      std::string names;
      for (const std::string& n : pipe.component_names()) names += (names.empty() ? "" : ", ") + n;
      Where{origin_}.fail("components." + name, "no block declares the component '" + name +
                                                    "' (declared: " + (names.empty() ? "none" : names) + ")");
    }
    auto optional_text = [](const Value& v) {
      return v.is_none() ? std::optional<std::string>() : std::optional<std::string>(v.as_string());
    };
    bool method_given = false;
    for (const auto& [key, value] : fields.as_dict()) {
      if (key == "type_hint") spec.type_hint = value.as_string();
      if (key == "description") spec.description = value.as_string();
      if (key == "pretrained_model_name_or_path") spec.pretrained_model_name_or_path = optional_text(value);
      if (key == "subfolder") spec.subfolder = value.as_string();
      if (key == "variant") spec.variant = optional_text(value);
      if (key == "revision") spec.revision = optional_text(value);
      if (key == "config") spec.config = value;
      if (key == "default_creation_method") {
        method_given = true;
        spec.default_creation_method =
            value.as_string() == "from_config" ? CreationMethod::FromConfig : CreationMethod::FromPretrained;
      }
    }
    // A config alone asks for creation from it, as ComponentSpec(config=...) does.
    if (!method_given && fields.find("config")) spec.default_creation_method = CreationMethod::FromConfig;
    pipe.set_component_spec(std::move(spec));
  }
  for (const auto& [name, value] : configs_) {
    bool known = false;
    std::string names;
    for (const ConfigSpec& c : declared) {
      known = known || c.name == name;
      names += (names.empty() ? "" : ", ") + c.name;
    }
    if (!known) {
      Where{origin_}.fail("configs." + name, "no block declares the config '" + name +
                                                 "' (declared: " + (names.empty() ? "none" : names) + ")");
    }
    pipe.components().set_config(name, value);
  }
  return pipe;
}

}  // namespace brick::host
