// The attribute vocabulary the text encoder and the denoiser share: a
// condition is a multi-hot vector with one slot per colour, then one per
// shape, in the order the configs list them ("colors", "shapes"). Both
// component types read it from their own config and default to the same
// lists, so components made from default configs compose.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <brick/sdk.h>

namespace shapes {

std::vector<std::string> default_colors();  // red, green, blue, yellow
std::vector<std::string> default_shapes();  // circle, square, triangle

struct Vocabulary {
  std::vector<std::string> colors;
  std::vector<std::string> shapes;

  // K, the width of a condition row.
  int64_t size() const { return static_cast<int64_t>(colors.size() + shapes.size()); }
  // The slot of a colour or shape name, or -1.
  int64_t color_slot(const std::string& name) const;
  int64_t shape_slot(const std::string& name) const;

  // config["colors"], config["shapes"] (lists of names), defaults when absent.
  // Names must be non-empty, lower case and distinct across both lists.
  static Vocabulary from_config(brick::ValueRef config);
};

}  // namespace shapes
