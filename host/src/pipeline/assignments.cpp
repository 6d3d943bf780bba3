#include "brick/host/pipeline/assignments.h"

#include <algorithm>

#include "brick/host/base/error.h"
#include "brick/host/base/names.h"
#include "brick/host/value/value_text.h"

namespace brick::host {

namespace {

bool contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string listed(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "none" : out;
}

}  // namespace

std::vector<std::string> assignable_inputs(const ModularPipeline& pipe) {
  std::vector<std::string> names;
  for (const InputParam& input : pipe.blocks()->inputs()) {
    if (input.name && !contains(names, *input.name)) names.push_back(*input.name);
    if (!input.kwargs_type.empty() && !contains(names, input.kwargs_type)) names.push_back(input.kwargs_type);
  }
  return names;
}

Kwargs apply_assignments(ModularPipeline& pipe, const std::vector<std::string>& assignments,
                         const AssignmentOptions& options) {
  const std::vector<std::string> components = pipe.component_names();
  const std::vector<InputParam> declared = pipe.blocks()->inputs();
  const std::vector<std::string> inputs = assignable_inputs(pipe);
  Kwargs given;
  for (const std::string& assignment : assignments) {
    auto [name, text] = split_assignment(assignment);
    if (contains(components, name)) {
      pipe.set_component_type(name, text);
      continue;
    }
    if (!contains(inputs, name) && !options.allow_unknown) {
      std::vector<std::string> known = inputs;
      known.insert(known.end(), components.begin(), components.end());
      std::string message = unknown_name_message("input", name, known);
      if (!options.what_for.empty()) message += " for " + options.what_for;
      throw Error(BRICK_ERR_INVALID_ARGUMENT,
                  message + "; its inputs: " + listed(inputs) + "; its components: " + listed(components));
    }
    std::string type_hint;
    for (const InputParam& input : declared) {
      if (input.name == name) type_hint = input.type_hint;
    }
    given.emplace_back(name, parse_value_text(text, type_hint, name));
  }
  return given;
}

}  // namespace brick::host
