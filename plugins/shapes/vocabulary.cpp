#include "vocabulary.h"

#include <algorithm>
#include <cctype>

#include "config_values.h"

namespace shapes {

std::vector<std::string> default_colors() { return {"red", "green", "blue", "yellow"}; }
std::vector<std::string> default_shapes() { return {"circle", "square", "triangle"}; }

namespace {

int64_t slot_of(const std::vector<std::string>& names, const std::string& name) {
  auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : static_cast<int64_t>(it - names.begin());
}

void check_names(const std::vector<std::string>& names, const char* key) {
  if (names.empty()) {
    std::string message = "config '";
    message += key;
    message += "' must list at least one name";
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, message);
  }
  for (const std::string& name : names) {
    bool lower = !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
      return std::islower(c) || std::isdigit(c) || c == '_';
    });
    if (!lower) {
      std::string message = "config '";
      message += key;
      message += concat("': '", name, "' is not a lower-case word");
      throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, message);
    }
  }
}

}  // namespace

int64_t Vocabulary::color_slot(const std::string& name) const { return slot_of(colors, name); }

int64_t Vocabulary::shape_slot(const std::string& name) const {
  int64_t slot = slot_of(shapes, name);
  return slot < 0 ? -1 : static_cast<int64_t>(colors.size()) + slot;
}

Vocabulary Vocabulary::from_config(brick::ValueRef config) {
  Vocabulary vocabulary;
  vocabulary.colors = value_or<std::vector<std::string>>(config, "colors", default_colors());
  vocabulary.shapes = value_or<std::vector<std::string>>(config, "shapes", default_shapes());
  check_names(vocabulary.colors, "colors");
  check_names(vocabulary.shapes, "shapes");
  std::vector<std::string> all = vocabulary.colors;
  all.insert(all.end(), vocabulary.shapes.begin(), vocabulary.shapes.end());
  std::sort(all.begin(), all.end());
  if (auto dup = std::adjacent_find(all.begin(), all.end()); dup != all.end()) {
    throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, concat("the vocabulary names '", *dup, "' twice"));
  }
  return vocabulary;
}

}  // namespace shapes
