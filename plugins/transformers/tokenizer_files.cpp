#include "tokenizer_files.h"

#include <algorithm>
#include <boost/json/src.hpp>
#include <fstream>
#include <sstream>

#include "kwargs.h"

namespace transformers {

namespace {

namespace json = boost::json;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw brick::Error(BRICK_ERR_NOT_FOUND, concat("cannot read '", path, "'"));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

json::value parse_file(const std::string& path) {
  boost::system::error_code ec;
  json::value parsed = json::parse(read_file(path), ec);
  if (ec) throw invalid(concat("'", path, "' is not valid JSON: ", ec.message()));
  return parsed;
}

brick::Value to_value(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return brick::Value();
    case json::kind::bool_:
      return brick::Value(v.get_bool());
    case json::kind::int64:
      return brick::Value(v.get_int64());
    case json::kind::uint64:
      return brick::Value(static_cast<double>(v.get_uint64()));
    case json::kind::double_:
      return brick::Value(v.get_double());
    case json::kind::string:
      return brick::Value(std::string(v.get_string()));
    case json::kind::array: {
      brick::Value list = brick::Value::list();
      for (const json::value& item : v.get_array()) list.append(to_value(item));
      return list;
    }
    case json::kind::object: {
      brick::Value dict = brick::Value::dict();
      for (const auto& item : v.get_object()) dict.set(std::string(item.key()).c_str(), to_value(item.value()));
      return dict;
    }
  }
  return brick::Value();
}

// Python's json.dumps string form with ensure_ascii=False.
void append_json_string(std::string& out, std::string_view s) {
  static const char* hex = "0123456789abcdef";
  out += '"';
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
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
        if (c < 0x20) {
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

void append_json(std::string& out, brick::ValueRef v, int indent) {
  const std::string pad(static_cast<size_t>(indent + 2), ' ');
  switch (v.kind()) {
    case BRICK_VALUE_NONE:
      out += "null";
      return;
    case BRICK_VALUE_BOOL:
      out += v.as<bool>() ? "true" : "false";
      return;
    case BRICK_VALUE_INT:
      out += std::to_string(v.as<int64_t>());
      return;
    case BRICK_VALUE_FLOAT:
      out += json::serialize(json::value(v.as<double>()));
      return;
    case BRICK_VALUE_STRING:
      append_json_string(out, v.as<std::string>());
      return;
    case BRICK_VALUE_LIST: {
      if (v.size() == 0) {
        out += "[]";
        return;
      }
      out += "[\n";
      for (size_t i = 0; i < v.size(); ++i) {
        out += pad;
        append_json(out, v[i], indent + 2);
        out += i + 1 < v.size() ? ",\n" : "\n";
      }
      out += std::string(static_cast<size_t>(indent), ' ') + "]";
      return;
    }
    case BRICK_VALUE_DICT: {
      if (v.size() == 0) {
        out += "{}";
        return;
      }
      std::vector<std::pair<std::string, size_t>> keys;
      for (size_t i = 0; i < v.size(); ++i) keys.emplace_back(v.key_at(i), i);
      std::sort(keys.begin(), keys.end());
      out += "{\n";
      for (size_t k = 0; k < keys.size(); ++k) {
        out += pad;
        append_json_string(out, keys[k].first);
        out += ": ";
        append_json(out, v.value_at(keys[k].second), indent + 2);
        out += k + 1 < keys.size() ? ",\n" : "\n";
      }
      out += std::string(static_cast<size_t>(indent), ' ') + "}";
      return;
    }
    default:
      throw invalid(concat("cannot write a ", v.kind_name(), " as JSON"));
  }
}

}  // namespace

std::unordered_map<std::string, int64_t> read_vocab_json(const std::string& path) {
  json::value parsed = parse_file(path);
  if (!parsed.is_object()) throw invalid(concat("'", path, "' must hold a JSON object of token -> id"));
  std::unordered_map<std::string, int64_t> vocab;
  vocab.reserve(parsed.get_object().size());
  for (const auto& item : parsed.get_object()) {
    if (!item.value().is_int64()) {
      throw invalid(concat("'", path, "': the id of token '", std::string(item.key()), "' is not an integer"));
    }
    vocab.emplace(std::string(item.key()), item.value().get_int64());
  }
  return vocab;
}

std::vector<std::pair<std::string, std::string>> read_merges_txt(const std::string& path, size_t limit) {
  std::string text = read_file(path);
  // str.strip() then split("\n"); the first line is the "#version" header.
  size_t begin = text.find_first_not_of(" \t\r\n\f\v");
  size_t end = text.find_last_not_of(" \t\r\n\f\v");
  text = begin == std::string::npos ? std::string() : text.substr(begin, end - begin + 1);
  std::vector<std::pair<std::string, std::string>> merges;
  std::istringstream lines(text);
  std::string line;
  size_t number = 0;
  while (std::getline(lines, line) && merges.size() < limit) {
    if (++number == 1) continue;
    std::istringstream parts(line);
    std::string a, b, extra;
    if (!(parts >> a >> b) || (parts >> extra)) {
      throw invalid(concat("'", path, "' line ", std::to_string(number), " is not a merge \"a b\": '", line, "'"));
    }
    merges.emplace_back(std::move(a), std::move(b));
  }
  return merges;
}

brick::Value read_json_file(const std::string& path) {
  std::ifstream probe(path);
  if (!probe) return brick::Value();
  return to_value(parse_file(path));
}

std::string vocab_json_text(const std::unordered_map<std::string, int64_t>& vocab) {
  std::vector<std::pair<std::string, int64_t>> sorted(vocab.begin(), vocab.end());
  std::sort(sorted.begin(), sorted.end());  // bytewise UTF-8 order is code point order
  std::string out = "{\n";
  for (size_t i = 0; i < sorted.size(); ++i) {
    out += "  ";
    append_json_string(out, sorted[i].first);
    out += ": " + std::to_string(sorted[i].second);
    out += i + 1 < sorted.size() ? ",\n" : "\n";
  }
  out += "}\n";
  return out;
}

std::string json_text(brick::ValueRef value) {
  std::string out;
  append_json(out, value, 0);
  out += "\n";
  return out;
}

void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw brick::Error(BRICK_ERR_INTERNAL, concat("cannot write '", path, "'"));
}

}  // namespace transformers
