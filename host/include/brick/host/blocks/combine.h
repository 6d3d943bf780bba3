// The merge rules composite blocks use to present one interface for many
// sub-blocks (diffusers' combine_inputs / combine_outputs, v0.40).
//
// combine_inputs: the first declaration of a name wins (nameless kwargs inputs
//   are keyed by their kwargs_type). Every block's default is recorded; when
//   they disagree (None counts as a value) the result is a copy with default
//   None and defaults_by_block = {block: default, ...} (a nested block's
//   entries are re-keyed "outer.inner"), which doc renders as "defaults to A or
//   B, depending on the workflow" and each branch applies at run time.
// combine_outputs: the first declaration of a name wins, unless a later one
//   adds a kwargs_type the earlier one lacks.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "brick/host/blocks/sub_blocks.h"
#include "brick/host/params/params.h"

namespace brick::host {

using NamedInputs = std::vector<std::pair<std::string, std::vector<InputParam>>>;
using NamedOutputs = std::vector<std::pair<std::string, std::vector<OutputParam>>>;

std::vector<InputParam> combine_inputs(const NamedInputs& named_inputs);
std::vector<OutputParam> combine_outputs(const NamedOutputs& named_outputs);

// Appends the items of `more` that `into` does not hold yet (Python's
// `if x not in list: list.append(x)`, with each spec type's ==).
template <class Spec>
void append_unique(std::vector<Spec>& into, const std::vector<Spec>& more) {
  for (const Spec& s : more) {
    bool found = false;
    for (const Spec& t : into) found = found || t == s;
    if (!found) into.push_back(s);
  }
}

// The first-seen unions of the sub-blocks' expected components and configs
// (what every composite declares, before a loop adds its own).
std::vector<ComponentSpec> combine_components(const SubBlocks& sub_blocks);
std::vector<ConfigSpec> combine_configs(const SubBlocks& sub_blocks);

}  // namespace brick::host
