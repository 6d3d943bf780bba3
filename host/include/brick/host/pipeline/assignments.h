// NAME=VALUE arguments applied to a pipeline, read the one way every brick
// front end reads them (`brick run`, `brick batch`, a custom host's command
// line): a component's name swaps that component's type
// (`scheduler=DDIMScheduler`); an input's text is read by the type its block
// declares (`steps=25` is an int, `prompt=123` stays text); any other name is
// a mistake, reported with the name it most likely meant.
//
//   host::Kwargs inputs = host::apply_assignments(pipe, {"prompt=a red circle", "scheduler=DDIMScheduler"});
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "brick/host/pipeline/modular_pipeline.h"

namespace brick::host {

struct AssignmentOptions {
  // Passes a name the pipeline neither declares as an input nor has as a
  // component as an input anyway (read as JSON, else text).
  bool allow_unknown = false;
  // Named in the message of an unknown name: "unknown input 'promt' (did
  // you mean 'prompt'?) for <what_for>; its inputs: ...".
  std::string what_for;
};

// The inputs the assignments give, in their order; component swaps are done
// on `pipe` as they are read (set_component_type). Throws
// Error(BRICK_ERR_INVALID_ARGUMENT) for text without NAME=, a value that
// fits no alternative of its input's type, and an unknown name (listing the
// pipeline's inputs and components); set_component_type's errors for a
// component's unknown type.
Kwargs apply_assignments(ModularPipeline& pipe, const std::vector<std::string>& assignments,
                         const AssignmentOptions& options = {});

// The names NAME=VALUE may set as inputs: every input a block of `pipe`
// declares by name, and the kwargs_type of those that take a group.
std::vector<std::string> assignable_inputs(const ModularPipeline& pipe);

}  // namespace brick::host
