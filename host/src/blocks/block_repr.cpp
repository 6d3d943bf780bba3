#include "block_repr.h"

#include "brick/host/params/doc_string.h"

namespace brick::host::detail {

namespace {
std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (true) {
    size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return lines;
    start = end + 1;
  }
}
}  // namespace

std::string repr_header(const ModularPipelineBlocks& block, const char* type_name, const char* parent_name) {
  std::string name = block.class_name();
  return name + "(\n  Class: " + (name == type_name ? parent_name : type_name) + "\n";
}

std::string repr_sub_block(const std::string& label, const ModularPipelineBlocks& block) {
  std::vector<std::string> lines = split_lines(block.description());
  std::string out = label + " (" + block.class_name() + ")\n       Description: " + lines[0];
  for (size_t i = 1; i < lines.size(); ++i) out += "\n                   " + lines[i];
  return out + "\n\n";
}

std::string repr_assemble(const std::string& header, const std::string& description, const ModularPipelineBlocks& block,
                          const std::string& sub_blocks) {
  std::vector<std::string> lines = split_lines(description);
  std::string desc = "  Description: " + lines[0];
  for (size_t i = 1; i < lines.size(); ++i) desc += "\n      " + lines[i];
  std::string out = header + "\n" + desc + "\n";
  std::vector<ComponentSpec> components = block.expected_components();
  if (!components.empty()) out += "\n\n" + format_components(components, 2);
  std::vector<ConfigSpec> configs = block.expected_configs();
  if (!configs.empty()) out += "\n\n" + format_configs(configs, 2);
  out += "\n\n  Sub-Blocks:\n" + sub_blocks + ")";
  return out;
}

}  // namespace brick::host::detail
