#include "brick/host/components/modular_repository.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "brick/host/base/error.h"
#include "brick/host/params/component_spec.h"
#include "brick/host/value/json.h"
#include "value/python_text.h"

namespace brick::host {

namespace fs = std::filesystem;

namespace {

void append_hex4(std::string& out, unsigned code) {
  static const char* digits = "0123456789abcdef";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += digits[(code >> shift) & 0xf];
}

// json.dumps's string form with ensure_ascii=True.
void append_string(std::string& out, std::string_view text) {
  out += '"';
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        default:
          if (c < 0x20 || c == 0x7f) {
            if (c == 0x7f) {
              out += static_cast<char>(c);
            } else {
              append_hex4(out, c);
            }
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    // Decode one UTF-8 sequence; invalid bytes are written as U+FFFD.
    unsigned code = 0xfffd;
    size_t length = 1;
    if ((c & 0xe0) == 0xc0)
      length = 2, code = c & 0x1f;
    else if ((c & 0xf0) == 0xe0)
      length = 3, code = c & 0x0f;
    else if ((c & 0xf8) == 0xf0)
      length = 4, code = c & 0x07;
    bool valid = length > 1 && i + length <= text.size();
    for (size_t k = 1; valid && k < length; ++k) {
      unsigned char next = static_cast<unsigned char>(text[i + k]);
      valid = (next & 0xc0) == 0x80;
      code = (code << 6) | (next & 0x3f);
    }
    if (!valid) {
      code = 0xfffd;
      length = 1;
    }
    if (code >= 0x10000) {
      code -= 0x10000;
      append_hex4(out, 0xd800 + (code >> 10));
      append_hex4(out, 0xdc00 + (code & 0x3ff));
    } else {
      append_hex4(out, code);
    }
    i += length;
  }
  out += '"';
}

void dump(std::string& out, const Value& v, int level) {
  const std::string inner(static_cast<size_t>(level + 1) * 2, ' ');
  const std::string outer(static_cast<size_t>(level) * 2, ' ');
  switch (v.kind()) {
    case Value::Kind::None:
      out += "null";
      return;
    case Value::Kind::Bool:
      out += v.as_bool() ? "true" : "false";
      return;
    case Value::Kind::Int:
      out += std::to_string(v.as_int());
      return;
    case Value::Kind::Float: {
      double f = v.as_float();
      if (f != f)
        out += "NaN";
      else if (f == 1.0 / 0.0)
        out += "Infinity";
      else if (f == -1.0 / 0.0)
        out += "-Infinity";
      else
        out += detail::python_float_repr(f);
      return;
    }
    case Value::Kind::String:
      append_string(out, v.as_string());
      return;
    case Value::Kind::List: {
      if (v.as_list().empty()) {
        out += "[]";
        return;
      }
      out += "[\n";
      bool first = true;
      for (const Value& item : v.as_list()) {
        if (!first) out += ",\n";
        first = false;
        out += inner;
        dump(out, item, level + 1);
      }
      out += "\n" + outer + "]";
      return;
    }
    case Value::Kind::Dict: {
      if (v.as_dict().empty()) {
        out += "{}";
        return;
      }
      std::vector<const std::pair<std::string, Value>*> items;
      for (const auto& item : v.as_dict()) items.push_back(&item);
      std::sort(items.begin(), items.end(), [](auto* a, auto* b) { return a->first < b->first; });
      out += "{\n";
      bool first = true;
      for (const auto* item : items) {
        if (!first) out += ",\n";
        first = false;
        out += inner;
        append_string(out, item->first);
        out += ": ";
        dump(out, item->second, level + 1);
      }
      out += "\n" + outer + "}";
      return;
    }
    case Value::Kind::Tensor:
    case Value::Kind::Object:
      throw Error(BRICK_ERR_TYPE_MISMATCH, "a " + std::string(v.kind_name()) + " cannot be written as JSON");
  }
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(BRICK_ERR_NOT_FOUND, "cannot read '" + file.string() + "'");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Value read_json_object(const fs::path& file) {
  Value value;
  try {
    value = parse_json(read_text(file));
  } catch (const Error& e) {
    throw Error(e.status(), "'" + file.string() + "': " + e.what());
  }
  if (value.kind() != Value::Kind::Dict) {
    throw Error(BRICK_ERR_INVALID_ARGUMENT, "'" + file.string() + "' does not hold a JSON object");
  }
  return value;
}

std::optional<std::string> optional_string(const Value& v, const fs::path& file, const std::string& what) {
  if (v.is_none()) return std::nullopt;
  if (v.kind() != Value::Kind::String) {
    throw Error(BRICK_ERR_INVALID_ARGUMENT,
                "'" + file.string() + "': " + what + " must be a string or null, got " + v.repr());
  }
  return v.as_string();
}

Value optional_value(const std::optional<std::string>& s) { return s ? Value(*s) : Value(); }

}  // namespace

std::string python_json_dumps(const Value& value) {
  std::string out;
  dump(out, value, 0);
  return out;
}

void require_local_folder(const fs::path& path, std::string_view what) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) {
    std::string message(what);
    message += " '" + path.string() +
               "' is not a local folder (brick reads repositories from local folders only; nothing is fetched "
               "from a network)";
    throw Error(BRICK_ERR_NOT_FOUND, message);
  }
}

ModularModelIndex read_modular_model_index(const fs::path& path) {
  fs::path file = fs::is_directory(path) ? path / kModularModelIndexFile : path;
  Value json = read_json_object(file);
  ModularModelIndex index;
  for (const auto& [key, value] : json.as_dict()) {
    if (key == "_class_name") {
      index.class_name = optional_string(value, file, key).value_or("");
    } else if (key == "_diffusers_version") {
      index.diffusers_version = optional_string(value, file, key).value_or("");
    } else if (key == "_blocks_class_name") {
      index.blocks_class_name = optional_string(value, file, key);
    } else if (value.kind() == Value::Kind::List && value.as_list().size() == 3) {
      const Value::List& entry = value.as_list();
      const Value& spec_json = entry[2];
      if (spec_json.kind() != Value::Kind::Dict) {
        throw Error(BRICK_ERR_INVALID_ARGUMENT,
                    "'" + file.string() + "': component '" + key + "' needs a spec object as its third item");
      }
      ModularIndexEntry item;
      item.library = optional_string(entry[0], file, key + "[0]");
      item.class_name = optional_string(entry[1], file, key + "[1]");
      ComponentSpec& spec = item.spec;
      spec.name = key;
      spec.default_creation_method = CreationMethod::FromPretrained;
      auto field = [&](const char* name) -> std::optional<std::string> {
        const Value* v = spec_json.find(name);
        return v ? optional_string(*v, file, key + "." + name) : std::nullopt;
      };
      spec.pretrained_model_name_or_path = field("pretrained_model_name_or_path");
      if (!spec.pretrained_model_name_or_path) spec.pretrained_model_name_or_path = field("repo");  // legacy alias
      spec.subfolder = field("subfolder").value_or("");
      spec.variant = field("variant");
      spec.revision = field("revision");
      if (const Value* hint = spec_json.find("type_hint"); hint && !hint->is_none()) {
        if (hint->kind() != Value::Kind::List || hint->as_list().size() != 2) {
          throw Error(BRICK_ERR_INVALID_ARGUMENT,
                      "'" + file.string() + "': " + key + ".type_hint must be [library, class], got " + hint->repr());
        }
        spec.type_hint = join_type_hint(optional_string(hint->as_list()[0], file, key + ".type_hint[0]"),
                                        optional_string(hint->as_list()[1], file, key + ".type_hint[1]"));
      }
      index.components.emplace_back(key, std::move(item));
    } else {
      index.configs.emplace_back(key, value);
    }
  }
  return index;
}

std::string modular_model_index_text(const ModularModelIndex& index) {
  Value::Dict json;
  json.emplace_back("_class_name", index.class_name);
  json.emplace_back("_diffusers_version", index.diffusers_version);
  json.emplace_back("_blocks_class_name", optional_value(index.blocks_class_name));
  for (const auto& [key, value] : index.configs) json.emplace_back(key, value);
  for (const auto& [name, entry] : index.components) {
    auto [library, class_name] = split_type_hint(entry.spec.type_hint);
    Value::Dict spec;
    spec.emplace_back("pretrained_model_name_or_path", optional_value(entry.spec.pretrained_model_name_or_path));
    spec.emplace_back("revision", optional_value(entry.spec.revision));
    spec.emplace_back("subfolder", entry.spec.subfolder);
    spec.emplace_back("type_hint", Value::list({optional_value(library), optional_value(class_name)}));
    spec.emplace_back("variant", optional_value(entry.spec.variant));
    json.emplace_back(name, Value::list({optional_value(entry.library), optional_value(entry.class_name),
                                         Value::dict(std::move(spec))}));
  }
  return python_json_dumps(Value::dict(std::move(json))) + "\n";
}

void write_modular_model_index(const fs::path& folder, const ModularModelIndex& index) {
  std::string text = modular_model_index_text(index);
  fs::create_directories(folder);
  fs::path file = folder / kModularModelIndexFile;
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw Error(BRICK_ERR_INTERNAL, "cannot write '" + file.string() + "'");
}

ModularModelIndex read_model_index(const fs::path& folder) {
  fs::path file = folder / kModelIndexFile;
  Value json = read_json_object(file);
  ModularModelIndex index;
  for (const auto& [key, value] : json.as_dict()) {
    if (key == "_class_name") {
      index.class_name = optional_string(value, file, key).value_or("");
    } else if (key == "_diffusers_version") {
      index.diffusers_version = optional_string(value, file, key).value_or("");
    } else if (!key.empty() && key[0] == '_') {
      continue;  // other private keys (_name_or_path, ...)
    } else if (value.kind() == Value::Kind::List && value.as_list().size() == 2) {
      ModularIndexEntry item;
      item.spec.name = key;
      item.spec.pretrained_model_name_or_path = folder.string();
      item.spec.subfolder = key;
      item.spec.type_hint = join_type_hint(optional_string(value.as_list()[0], file, key + "[0]"),
                                           optional_string(value.as_list()[1], file, key + "[1]"));
      index.components.emplace_back(key, std::move(item));
    } else {
      index.configs.emplace_back(key, value);
    }
  }
  return index;
}

}  // namespace brick::host
