#include "brick/host/blocks/combine.h"

#include <map>

#include "brick/host/blocks/blocks.h"

namespace brick::host {

std::vector<InputParam> combine_inputs(const NamedInputs& named_inputs) {
  std::vector<InputParam> combined;
  std::vector<Value::Dict> defaults;  // parallel to combined
  std::map<std::string, size_t> index;

  auto record = [](Value::Dict& into, const std::string& key, const Value& v) {
    for (auto& [k, existing] : into) {
      if (k == key) {
        existing = v;  // dict.update keeps the first position
        return;
      }
    }
    into.emplace_back(key, v);
  };

  for (const auto& [block_name, inputs] : named_inputs) {
    for (const InputParam& param : inputs) {
      std::string key = param.name ? *param.name : "*_" + param.kwargs_type;
      Value::Dict new_defaults;
      if (param.defaults_by_block && !param.defaults_by_block->empty()) {
        for (const auto& [inner, v] : *param.defaults_by_block) new_defaults.emplace_back(block_name + "." + inner, v);
      } else {
        new_defaults.emplace_back(block_name, param.default_value);
      }

      auto found = index.find(key);
      if (found == index.end()) {
        index.emplace(key, combined.size());
        combined.push_back(param);
        defaults.push_back(std::move(new_defaults));
        continue;
      }
      Value::Dict& recorded = defaults[found->second];
      for (const auto& [k, v] : new_defaults) record(recorded, k, v);
      bool disagree = false;
      for (size_t i = 1; i < recorded.size(); ++i) disagree = disagree || recorded[i].second != recorded[0].second;
      if (disagree) {
        InputParam& kept = combined[found->second];
        kept.default_value = Value();
        kept.defaults_by_block = recorded;
      }
    }
  }
  return combined;
}

std::vector<ComponentSpec> combine_components(const SubBlocks& sub_blocks) {
  std::vector<ComponentSpec> specs;
  for (const auto& e : sub_blocks) append_unique(specs, e.block->expected_components());
  return specs;
}

std::vector<ConfigSpec> combine_configs(const SubBlocks& sub_blocks) {
  std::vector<ConfigSpec> specs;
  for (const auto& e : sub_blocks) append_unique(specs, e.block->expected_configs());
  return specs;
}

std::vector<OutputParam> combine_outputs(const NamedOutputs& named_outputs) {
  std::vector<OutputParam> combined;
  for (const auto& [block_name, outputs] : named_outputs) {
    (void)block_name;
    for (const OutputParam& out : outputs) {
      OutputParam* existing = nullptr;
      for (OutputParam& c : combined) {
        if (c.name == out.name) existing = &c;
      }
      if (!existing) {
        combined.push_back(out);
      } else if (existing->kwargs_type.empty() && !out.kwargs_type.empty()) {
        *existing = out;  // keeps the first position, as dict assignment does
      }
    }
  }
  return combined;
}

}  // namespace brick::host
