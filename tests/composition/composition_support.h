// Helpers of the composition tests: plugin leaves configured from JSON
// (test_composition.Step, a real block from a real plugin), and short
// constructors for the host's composites.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "../host/test_support.h"
#include "brick/host/blocks/conditional_blocks.h"
#include "brick/host/blocks/loop_blocks.h"
#include "brick/host/blocks/sequential_blocks.h"
#include "brick/host/value/json.h"

namespace brick::test {

// A Step block configured by `config` (JSON; see tests/plugins/test_composition.cpp).
inline host::BlockPtr step(const std::string& config) {
  return test_host().create_block("test_composition.Step", host::parse_json(config));
}

// A named list of blocks, built in place: blocks({{"a", step(...)}, ...}).
inline host::NamedBlocks blocks(std::vector<std::pair<std::string, host::BlockPtr>>&& items) {
  host::NamedBlocks out;
  for (auto& [name, block] : items) out.emplace_back(name, std::move(block));
  return out;
}

template <class... Named>
host::NamedBlocks named(Named&&... items) {
  host::NamedBlocks out;
  (out.emplace_back(std::forward<Named>(items)), ...);
  return out;
}

inline std::unique_ptr<host::SequentialPipelineBlocks> sequential(host::NamedBlocks children) {
  return std::make_unique<host::SequentialPipelineBlocks>(std::move(children));
}

inline std::unique_ptr<host::AutoPipelineBlocks> auto_blocks(host::NamedBlocks children,
                                                             std::vector<std::optional<std::string>> triggers,
                                                             std::string class_name = "AutoBlocks") {
  return std::make_unique<host::AutoPipelineBlocks>(std::move(class_name), std::move(children), std::move(triggers));
}

inline std::vector<std::string> names_in(const host::ModularPipelineBlocks& block) {
  return block.sub_blocks().names();
}

inline host::InputParam input(std::string name, host::Value default_value = {}, bool required = false,
                              std::string description = {}) {
  host::InputParam p;
  p.name = std::move(name);
  p.default_value = std::move(default_value);
  p.required = required;
  p.description = std::move(description);
  return p;
}

inline host::OutputParam output(std::string name, std::string kwargs_type = {}) {
  host::OutputParam o;
  o.name = std::move(name);
  o.kwargs_type = std::move(kwargs_type);
  return o;
}

// The list value of `trace` in a state, as strings.
inline std::vector<std::string> trace_of(const host::PipelineState& state) {
  std::vector<std::string> out;
  const host::Value* trace = state.find("trace");
  if (!trace || trace->is_none()) return out;
  for (const host::Value& v : trace->as_list()) out.push_back(v.as_string());
  return out;
}

}  // namespace brick::test
