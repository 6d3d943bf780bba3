// Workflows (diffusers' `_workflow_map`): named sets of trigger inputs that
// pick a path through a pipeline's conditional blocks, e.g.
//   text2image: {prompt: True}, image2image: {image: True, prompt: True}.
// A workflow may list alternative spellings (a tuple of dicts in Python):
// every spelling resolves the same blocks, and pruning uses the first.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "brick/host/value/value.h"

namespace brick::host {

struct Workflow {
  std::string name;
  std::vector<Kwargs> alternatives;  // at least one
};
using WorkflowMap = std::vector<Workflow>;

// A workflow map from its JSON form: {"name": {"input": true, ...}} or
// {"name": [{...}, {...}]} for alternative spellings. Throws
// Error(BRICK_ERR_INVALID_ARGUMENT) saying which workflow is malformed.
WorkflowMap parse_workflow_map(const Value& json);

// "Supported workflows:" and one line per workflow, as the doc shows it.
std::string format_workflow(const WorkflowMap& workflows);

// Python truthiness: None, False, 0, 0.0, "" and empty containers are false.
bool truthy(const Value& v);

}  // namespace brick::host
