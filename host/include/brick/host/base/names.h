// Names: plugins, blocks and component types are identifiers, and a block
// or component type of a plugin is named "plugin.Name" (a qualified name).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace brick::host {

// [A-Za-z0-9_]+, as the ABI requires of plugin, block and component names.
bool is_identifier(std::string_view name);

struct QualifiedName {
  std::string_view plugin;  // before the first dot
  std::string_view name;    // after it
};
// "plugin.Name" split at its first dot; nullopt when either side is empty or
// there is no dot. Identifiers are not checked (is_identifier does that).
std::optional<QualifiedName> split_qualified_name(std::string_view qualified_name);

// The candidate a mistyped name most likely meant ("promt" -> "prompt"): the
// nearest by edit distance, when that distance is at most a third of the
// name's length (at least 1); nullopt otherwise. For "did you mean ...?".
std::optional<std::string> closest_name(std::string_view name, const std::vector<std::string>& candidates);

// "unknown input 'promt' (did you mean 'prompt'?)": `what` and `name`, and
// the closest of `known` when one is close enough.
std::string unknown_name_message(std::string_view what, std::string_view name, const std::vector<std::string>& known);

}  // namespace brick::host
