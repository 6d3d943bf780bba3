#include "brick/host/pipeline/spec_merge.h"

#include "brick/host/base/error.h"
#include "brick/host/base/log.h"
#include "brick/host/blocks/blocks.h"
#include "brick/host/params/component_spec.h"
#include "value/python_text.h"

namespace brick::host {

namespace {

template <class Declared, class Same, class Repr>
auto merge(const std::vector<Declared>& declared, SpecConflicts conflicts, const char* what, Same same, Repr repr) {
  std::vector<decltype(Declared::spec)> merged;
  std::vector<const Declared*> winners;  // parallel to merged
  for (const Declared& item : declared) {
    size_t i = 0;
    while (i < merged.size() && merged[i].name != item.spec.name) ++i;
    if (i == merged.size()) {
      merged.push_back(item.spec);
      winners.push_back(&item);
      continue;
    }
    if (!same(merged[i], item.spec)) {
      std::string message = std::string(what) + " '" + item.spec.name + "' is declared differently by block '" +
                            winners[i]->block + "' (" + repr(merged[i]) + ") and by block '" + item.block + "' (" +
                            repr(item.spec) + ")";
      if (conflicts == SpecConflicts::Error) throw Error(BRICK_ERR_INVALID_ARGUMENT, message);
      message += "; the pipeline uses the last one, from '" + item.block + "'";
      log_warning(message);
    }
    merged[i] = item.spec;
    winners[i] = &item;
  }
  return merged;
}

}  // namespace

namespace {

// Leaves declare specs; a composite's are mostly its sub-blocks' (diffusers
// merges them), so the walk attributes each spec to the leaf that declared
// it, named by its dotted path in the tree ("text_encoder", "denoise.unet").
// What a composite declares itself (a loop's loop_expected_components) is
// attributed to the composite.
template <class Declared, class Get, class Same>
void walk(const ModularPipelineBlocks& block, const std::string& path, std::vector<Declared>& out, Get get, Same same) {
  const std::string owner = path.empty() ? block.class_name() : path;
  const size_t first = out.size();
  for (const SubBlocks::Entry& entry : block.sub_blocks()) {
    walk(*entry.block, path.empty() ? entry.name : path + "." + entry.name, out, get, same);
  }
  for (auto& spec : get(block)) {
    bool from_child = false;
    for (size_t i = first; i < out.size() && !from_child; ++i) from_child = same(out[i].spec, spec);
    if (!from_child) out.push_back({owner, std::move(spec)});
  }
}

}  // namespace

std::vector<DeclaredComponent> declared_components(const ModularPipelineBlocks& blocks) {
  std::vector<DeclaredComponent> out;
  walk(
      blocks, "", out, [](const ModularPipelineBlocks& b) { return b.expected_components(); }, same_declaration);
  return out;
}

std::vector<DeclaredConfig> declared_configs(const ModularPipelineBlocks& blocks) {
  std::vector<DeclaredConfig> out;
  walk(
      blocks, "", out, [](const ModularPipelineBlocks& b) { return b.expected_configs(); },
      [](const ConfigSpec& a, const ConfigSpec& b) { return a.name == b.name && a.default_value == b.default_value; });
  return out;
}

std::vector<ComponentSpec> merge_component_specs(const std::vector<DeclaredComponent>& declared,
                                                 SpecConflicts conflicts) {
  return merge(declared, conflicts, "Component", same_declaration, spec_repr);
}

std::vector<ConfigSpec> merge_config_specs(const std::vector<DeclaredConfig>& declared, SpecConflicts conflicts) {
  auto same = [](const ConfigSpec& a, const ConfigSpec& b) { return a.default_value == b.default_value; };
  auto repr = [](const ConfigSpec& s) {
    return "ConfigSpec(name=" + detail::python_string_repr(s.name) + ", default=" + s.default_value.repr() + ")";
  };
  return merge(declared, conflicts, "Config", same, repr);
}

}  // namespace brick::host
