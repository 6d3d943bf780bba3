// The image set the closed-form denoiser is exact for: every colour of the
// vocabulary x every shape x kVariants placements (position and size), on a
// plain dark background, with antialiased edges (coverage from a signed
// distance, so edges are smooth at any sample_size). Generated with plain
// loops and no random numbers: the same config gives the same bytes on every
// machine, which is what lets a repository be rebuilt or skipped.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "vocabulary.h"

namespace shapes {

inline constexpr int64_t kVariants = 3;

struct Dataset {
  at::Tensor images;  // [N, 3, S, S] float32 in [-1, 1], on the CPU
  at::Tensor labels;  // [N, 2] int64 on the CPU: (colour index, shape index) into the vocabulary
};

// N = colours x shapes x kVariants images; image (c, s, v) is at index
// (c * shapes + s) * kVariants + v. Throws for a colour or shape name the
// generator cannot draw (drawable_colors() / drawable_shapes() list them).
Dataset generate_dataset(const Vocabulary& vocabulary, int64_t sample_size);

std::vector<std::string> drawable_colors();
std::vector<std::string> drawable_shapes();

}  // namespace shapes
