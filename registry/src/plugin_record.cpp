#include "brick/registry/plugin_record.h"

#include "brick/registry/error.h"
#include "record_json.h"

namespace brick::registry {

namespace json = boost::json;

const BlockRecord* PluginRecord::find_block(std::string_view block) const {
  for (const BlockRecord& b : blocks) {
    if (b.name == block) return &b;
  }
  return nullptr;
}

namespace detail {

const json::value& field(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  if (!v) throw RegistryError(std::string("missing field '") + key + "'");
  return *v;
}

std::string string_field(const json::object& o, const char* key) {
  const json::value& v = field(o, key);
  if (!v.is_string()) throw RegistryError(std::string("field '") + key + "' is not a string");
  return std::string(v.get_string());
}

std::string optional_string(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return {};
  if (!v->is_string()) throw RegistryError(std::string("field '") + key + "' is not a string");
  return std::string(v->get_string());
}

json::object record_to_object(const PluginRecord& r) {
  json::object o;
  o["path"] = r.path.string();
  o["size"] = r.size;
  o["mtime_ns"] = r.mtime_ns;
  o["hash"] = r.hash;
  o["status"] = r.bad ? "bad" : "ok";
  if (r.bad) {
    o["reason"] = r.reason;
    return o;
  }
  o["abi"] = r.abi;
  o["name"] = r.name;
  o["version"] = r.version;
  o["description"] = r.description;
  o["torch_fingerprint"] = r.torch_fingerprint;
  json::array blocks;
  for (const BlockRecord& b : r.blocks) {
    json::object bo;
    bo["name"] = b.name;
    bo["description"] = b.description;
    if (b.declaration_json.empty()) {
      bo["declaration"] = nullptr;
      bo["declaration_error"] = b.declaration_error;
    } else {
      bo["declaration"] = json::parse(b.declaration_json);
    }
    if (!b.doc.empty()) bo["doc"] = b.doc;
    blocks.push_back(std::move(bo));
  }
  o["blocks"] = std::move(blocks);
  o["component_types"] = json::parse(r.component_types_json.empty() ? "[]" : r.component_types_json);
  return o;
}

PluginRecord record_from_object(const json::object& o) {
  PluginRecord r;
  r.path = string_field(o, "path");
  if (const json::value* v = o.if_contains("size")) r.size = v->to_number<uint64_t>();
  if (const json::value* v = o.if_contains("mtime_ns")) r.mtime_ns = v->to_number<int64_t>();
  r.hash = optional_string(o, "hash");
  std::string status = optional_string(o, "status");
  if (status == "bad") {
    r.bad = true;
    r.reason = string_field(o, "reason");
    return r;
  }
  if (!status.empty() && status != "ok") throw RegistryError("unknown status '" + status + "'");
  r.abi = string_field(o, "abi");
  r.name = string_field(o, "name");
  r.version = string_field(o, "version");
  r.description = optional_string(o, "description");
  r.torch_fingerprint = optional_string(o, "torch_fingerprint");
  const json::value& blocks = field(o, "blocks");
  if (!blocks.is_array()) throw RegistryError("field 'blocks' is not an array");
  for (const json::value& bv : blocks.get_array()) {
    if (!bv.is_object()) throw RegistryError("a block entry is not an object");
    const json::object& bo = bv.get_object();
    BlockRecord b;
    b.name = string_field(bo, "name");
    b.description = optional_string(bo, "description");
    const json::value* decl = bo.if_contains("declaration");
    if (decl && decl->is_object()) {
      b.declaration_json = json::serialize(*decl);
    } else if (decl && !decl->is_null()) {
      throw RegistryError("block '" + b.name + "': field 'declaration' is not an object");
    }
    b.declaration_error = optional_string(bo, "declaration_error");
    b.doc = optional_string(bo, "doc");
    r.blocks.push_back(std::move(b));
  }
  if (const json::value* types = o.if_contains("component_types")) {
    if (!types->is_array()) throw RegistryError("field 'component_types' is not an array");
    r.component_types_json = json::serialize(*types);
  }
  return r;
}

}  // namespace detail

std::string record_to_json(const PluginRecord& record) { return json::serialize(detail::record_to_object(record)); }

PluginRecord record_from_json(std::string_view text) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) throw RegistryError("not JSON: " + ec.message());
  if (!v.is_object()) throw RegistryError("not a JSON object");
  return detail::record_from_object(v.get_object());
}

}  // namespace brick::registry
