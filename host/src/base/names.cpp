#include "brick/host/base/names.h"

#include <algorithm>

namespace brick::host {

bool is_identifier(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

std::optional<QualifiedName> split_qualified_name(std::string_view qualified_name) {
  size_t dot = qualified_name.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == qualified_name.size()) return std::nullopt;
  return QualifiedName{qualified_name.substr(0, dot), qualified_name.substr(dot + 1)};
}

std::optional<std::string> closest_name(std::string_view name, const std::vector<std::string>& candidates) {
  // Levenshtein distance, one row at a time.
  auto distance = [](std::string_view a, std::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      size_t diagonal = row[0];
      row[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        size_t above = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
        diagonal = above;
      }
    }
    return row[b.size()];
  };
  std::optional<std::string> best;
  size_t best_distance = std::max<size_t>(1, name.size() / 3) + 1;
  for (const std::string& candidate : candidates) {
    size_t d = distance(name, candidate);
    if (d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

std::string unknown_name_message(std::string_view what, std::string_view name, const std::vector<std::string>& known) {
  std::string message = "unknown " + std::string(what) + " '" + std::string(name) + "'";
  if (std::optional<std::string> close = closest_name(name, known)) message += " (did you mean '" + *close + "'?)";
  return message;
}

}  // namespace brick::host
