// Gathering the component and config specs of a block tree into the
// pipeline's one spec per name.
//
// diffusers builds {spec.name: spec for spec in blocks.expected_components}:
// the last spec of a name silently wins (a TODO in its code). brick keeps that
// result but warns, naming both blocks and both specs, when two blocks declare
// one name differently; SpecConflicts::Error makes it an error instead.
#pragma once

#include <string>
#include <vector>

#include "brick/host/params/params.h"

namespace brick::host {

class ModularPipelineBlocks;

// A spec with the name of the block that declared it.
struct DeclaredComponent {
  std::string block;
  ComponentSpec spec;
};
struct DeclaredConfig {
  std::string block;
  ConfigSpec spec;
};

enum class SpecConflicts { Warn, Error };

// The specs of a block tree, each with the leaf block that declared it (its
// dotted sub-block path, or its class name for a lone leaf), in declaration
// order.
std::vector<DeclaredComponent> declared_components(const ModularPipelineBlocks& blocks);
std::vector<DeclaredConfig> declared_configs(const ModularPipelineBlocks& blocks);

// One spec per name: the first occurrence fixes the position, the last one
// wins (diffusers' dict comprehension). A name declared differently (every
// field but the description for components; the default for configs) logs a
// warning, or throws Error(BRICK_ERR_INVALID_ARGUMENT) with `Error`.
std::vector<ComponentSpec> merge_component_specs(const std::vector<DeclaredComponent>& declared,
                                                 SpecConflicts conflicts = SpecConflicts::Warn);
std::vector<ConfigSpec> merge_config_specs(const std::vector<DeclaredConfig>& declared,
                                           SpecConflicts conflicts = SpecConflicts::Warn);

}  // namespace brick::host
