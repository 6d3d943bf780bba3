// make_doc_string and its helpers, following diffusers' modular_pipeline_utils
// (format_params, format_components, format_configs, make_doc_string).
#include "brick/host/params/doc_string.h"

#include <sstream>

namespace brick::host {

namespace {

bool is_python_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f); }

// len() of a UTF-8 string in Python: code points, not bytes.
size_t code_points(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  for (unsigned char c : text) {
    if (is_python_space(c)) {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word += static_cast<char>(c);
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

std::string strip(const std::string& s, bool left, bool right) {
  size_t begin = 0, end = s.size();
  while (left && begin < end && is_python_space(static_cast<unsigned char>(s[begin]))) ++begin;
  while (right && end > begin && is_python_space(static_cast<unsigned char>(s[end - 1]))) --end;
  return s.substr(begin, end - begin);
}

// wrap_text: greedy word wrap at max_length, continuation lines indented.
std::string wrap_text(const std::string& text, const std::string& indent, size_t max_length) {
  std::vector<std::string> lines;
  std::string current;
  size_t current_length = 0;
  for (const std::string& word : split_words(text)) {
    size_t word_length = code_points(word) + (current.empty() ? 0 : 1);
    if (!current.empty() && current_length + word_length > max_length) {
      lines.push_back(std::move(current));
      current = word;
      current_length = code_points(word);
    } else {
      if (!current.empty()) current += ' ';
      current += word;
      current_length += word_length;
    }
  }
  if (!current.empty()) lines.push_back(std::move(current));
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i) out += "\n" + indent;
    out += lines[i];
  }
  return out;
}

// The type as diffusers prints it; brick type hints are already that text.
// "Any" prints empty (diffusers skips typing.Any), no hint prints None.
std::string type_text(const std::string& type_hint) {
  if (type_hint.empty()) return "None";
  if (type_hint == "Any") return "";
  return type_hint;
}

// format_params' three indents: header, parameter, description.
struct Indents {
  std::string base, param, desc;
  explicit Indents(int level)
      : base(static_cast<size_t>(level), ' '),
        param(static_cast<size_t>(level + 4), ' '),
        desc(static_cast<size_t>(level + 8), ' ') {}
};

std::string param_line(const std::string& param_indent, const std::string& name, const std::string& type_hint) {
  return param_indent + name + " (`" + type_text(type_hint) + "`";
}

std::string describe(const std::string& description, const std::string& desc_indent, int max_line_length) {
  if (description.empty()) return "\n" + desc_indent + "TODO: Add description.";
  return "\n" + desc_indent + wrap_text(description, desc_indent, static_cast<size_t>(max_line_length));
}

// ", defaults to A or B, depending on the workflow": distinct values in order.
std::string merged_defaults(const Value::Dict& defaults_by_block) {
  Value::List distinct;
  for (const auto& [block, value] : defaults_by_block) {
    bool seen = false;
    for (const Value& d : distinct) seen = seen || d == value;
    if (!seen) distinct.push_back(value);
  }
  std::string out;
  for (size_t i = 0; i < distinct.size(); ++i) {
    if (i) out += " or ";
    out += distinct[i].str();
  }
  return ", defaults to " + out + ", depending on the workflow";
}

}  // namespace

std::string format_input_params(const std::vector<InputParam>& params, int indent_level, int max_line_length) {
  if (params.empty()) return "";
  Indents in(indent_level);
  std::string out = in.base + "Inputs:";
  for (const InputParam& p : params) {
    std::string name = !p.name && !p.kwargs_type.empty() ? "**" + p.kwargs_type : p.name.value_or("None");
    std::string line = param_line(in.param, name, p.type_hint);
    if (!p.required) {
      line += ", *optional*";
      if (p.defaults_by_block) {
        line += merged_defaults(*p.defaults_by_block);
      } else if (!p.default_value.is_none()) {
        line += ", defaults to " + p.default_value.str();
      }
    }
    line += "):";
    line += describe(p.description, in.desc, max_line_length);
    out += '\n';
    out += line;
  }
  return out;
}

std::string format_output_params(const std::vector<OutputParam>& params, int indent_level, int max_line_length) {
  if (params.empty()) return "";
  Indents in(indent_level);
  std::string out = in.base + "Outputs:";
  for (const OutputParam& p : params) {
    out += '\n';
    out += param_line(in.param, p.name, p.type_hint);
    out += "):";
    out += describe(p.description, in.desc, max_line_length);
  }
  return out;
}

std::string component_type_name(const std::string& type_hint) {
  if (type_hint.empty()) return "None";
  size_t dot = type_hint.rfind('.');
  return dot == std::string::npos ? type_hint : type_hint.substr(dot + 1);
}

std::string format_components(const std::vector<ComponentSpec>& components, int indent_level) {
  std::string out = std::string(static_cast<size_t>(indent_level), ' ') + "Components:";
  std::string indent(static_cast<size_t>(indent_level + 4), ' ');
  for (const ComponentSpec& c : components) {
    std::string line = indent + c.name + " (`" + component_type_name(c.type_hint) + "`)";
    if (!c.description.empty()) line += ": " + c.description;
    std::vector<std::string> fields;
    auto add = [&](const char* field, const std::optional<std::string>& value) {
      if (value && !value->empty()) fields.push_back(std::string(field) + "=" + *value);
    };
    add("pretrained_model_name_or_path", c.pretrained_model_name_or_path);
    add("subfolder", c.subfolder);
    add("variant", c.variant);
    add("revision", c.revision);
    if (!fields.empty()) {
      line += " [";
      for (size_t i = 0; i < fields.size(); ++i) line += (i ? ", " : "") + fields[i];
      line += "]";
    }
    out += "\n" + line;
  }
  return out;
}

std::string format_configs(const std::vector<ConfigSpec>& configs, int indent_level) {
  std::string out = std::string(static_cast<size_t>(indent_level), ' ') + "Configs:";
  std::string indent(static_cast<size_t>(indent_level + 4), ' ');
  for (const ConfigSpec& c : configs) {
    out += "\n" + indent + c.name + " (default: " + c.default_value.str() + ")";
    if (!c.description.empty()) out += ": " + c.description;
  }
  return out;
}

std::string make_doc_string(const std::vector<InputParam>& inputs, const std::vector<OutputParam>& outputs,
                            const std::string& description, const std::string& class_name,
                            const std::vector<ComponentSpec>& expected_components,
                            const std::vector<ConfigSpec>& expected_configs) {
  std::string out;
  if (!class_name.empty()) out += "class " + class_name + "\n\n";
  if (!description.empty()) {
    std::istringstream lines(strip(description, true, true));
    std::string line, aligned;
    bool first = true;
    while (std::getline(lines, line, '\n')) {
      if (!first) aligned += "\n";
      first = false;
      aligned += "  " + strip(line, false, true);
    }
    if (first) aligned = "  ";  // a description of only whitespace
    out += aligned + "\n\n";
  }
  if (!expected_components.empty()) out += format_components(expected_components, 2) + "\n\n";
  if (!expected_configs.empty()) out += format_configs(expected_configs, 2) + "\n\n";
  out += format_input_params(inputs, 2);
  out += "\n\n";
  out += format_output_params(outputs, 2);
  return out;
}

}  // namespace brick::host
