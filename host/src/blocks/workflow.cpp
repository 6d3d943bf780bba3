#include "brick/host/blocks/workflow.h"

#include "brick/host/base/error.h"

namespace brick::host {

bool truthy(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::None:
      return false;
    case Value::Kind::Bool:
      return v.as_bool();
    case Value::Kind::Int:
      return v.as_int() != 0;
    case Value::Kind::Float:
      return v.as_float() != 0.0;
    case Value::Kind::String:
      return !v.as_string().empty();
    case Value::Kind::List:
      return !v.as_list().empty();
    case Value::Kind::Dict:
      return !v.as_dict().empty();
    case Value::Kind::Tensor:
      return true;
    case Value::Kind::Object:
      return true;  // Python: an object is truthy
  }
  return false;
}

WorkflowMap parse_workflow_map(const Value& map) {
  if (map.kind() != Value::Kind::Dict) {
    throw Error(BRICK_ERR_INVALID_ARGUMENT, std::string("a workflow map is an object, not ") + map.kind_name());
  }
  WorkflowMap workflows;
  for (const auto& [name, entry] : map.as_dict()) {
    Workflow w{name, {}};
    if (entry.kind() == Value::Kind::Dict) {
      w.alternatives.push_back(entry.as_dict());
    } else if (entry.kind() == Value::Kind::List && !entry.as_list().empty()) {
      for (const Value& alternative : entry.as_list()) {
        if (alternative.kind() != Value::Kind::Dict) {
          throw Error(BRICK_ERR_INVALID_ARGUMENT, "workflow '" + name + "' lists a " + alternative.kind_name() +
                                                      " among its alternatives (expected objects)");
        }
        w.alternatives.push_back(alternative.as_dict());
      }
    } else {
      throw Error(BRICK_ERR_INVALID_ARGUMENT,
                  "workflow '" + name + "' must be an object of trigger inputs or a non-empty list of them");
    }
    workflows.push_back(std::move(w));
  }
  return workflows;
}

std::string format_workflow(const WorkflowMap& workflows) {
  std::string out = "Supported workflows:";
  for (const Workflow& w : workflows) {
    std::vector<std::string> requires_;
    for (const Kwargs& alternative : w.alternatives) {
      std::string fragment;
      for (const auto& [trigger, v] : alternative) {
        if (!truthy(v)) continue;
        if (!fragment.empty()) fragment += ", ";
        fragment += "`" + trigger + "`";
      }
      if (!fragment.empty()) requires_.push_back(std::move(fragment));
    }
    out += "\n  - `" + w.name + "`: ";
    if (requires_.empty()) {
      out += "default (no additional inputs required)";
    } else {
      out += "requires ";
      for (size_t i = 0; i < requires_.size(); ++i) out += (i ? " or " : "") + requires_[i];
    }
  }
  return out;
}

}  // namespace brick::host
