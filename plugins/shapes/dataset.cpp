#include "dataset.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <ATen/ops/from_blob.h>

#include <brick/sdk.h>

#include "config_values.h"

namespace shapes {

namespace {

using Rgb = std::array<float, 3>;  // in [0, 1]

struct NamedColor {
  const char* name;
  Rgb rgb;
};

// Saturated colours that stay far apart from each other and from the
// background, so the nearest-image classification is unambiguous.
constexpr NamedColor kPalette[] = {
    {"red", {0.90f, 0.15f, 0.15f}},    {"green", {0.15f, 0.75f, 0.25f}},  {"blue", {0.20f, 0.35f, 0.95f}},
    {"yellow", {0.95f, 0.85f, 0.15f}}, {"orange", {0.95f, 0.55f, 0.10f}}, {"purple", {0.60f, 0.25f, 0.80f}},
    {"cyan", {0.15f, 0.80f, 0.85f}},   {"magenta", {0.90f, 0.20f, 0.70f}}, {"white", {0.95f, 0.95f, 0.95f}},
};
constexpr Rgb kBackground = {0.10f, 0.10f, 0.12f};

// Placements in image-relative coordinates (y down): centre and the shape's
// half extent. Three, so that a class has several images and the posterior
// mean is not trivially one picture.
struct Placement {
  double cx, cy, r;
};
constexpr Placement kPlacements[kVariants] = {{0.50, 0.50, 0.30}, {0.33, 0.34, 0.20}, {0.66, 0.64, 0.22}};

// Signed distances (negative inside), relative coordinates, centred.
double circle_sdf(double x, double y, double r) { return std::hypot(x, y) - r; }

double square_sdf(double x, double y, double r) {
  // Half side 0.9 r: about the circle's area.
  double h = 0.9 * r;
  double qx = std::abs(x) - h, qy = std::abs(y) - h;
  return std::hypot(std::max(qx, 0.0), std::max(qy, 0.0)) + std::min(std::max(qx, qy), 0.0);
}

double triangle_sdf(double x, double y, double r) {
  // Equilateral, pointing up, centroid at the centre, circumradius 1.3 r.
  // The largest of the three edge distances: exact inside and near the
  // edges, an underestimate only beyond the corners, which antialiasing
  // (half a pixel either side of the edge) never reaches but at the tips.
  double inradius = 0.5 * 1.3 * r;
  const double c = std::sqrt(3.0) / 2.0;
  double d = y;                                  // bottom edge, outward normal (0, 1)
  d = std::max(d, -c * x - 0.5 * y);             // upper left edge
  d = std::max(d, c * x - 0.5 * y);              // upper right edge
  return d - inradius;
}

using Sdf = double (*)(double, double, double);

struct NamedShape {
  const char* name;
  Sdf sdf;
};
constexpr NamedShape kShapes[] = {{"circle", circle_sdf}, {"square", square_sdf}, {"triangle", triangle_sdf}};

[[noreturn]] void unknown(const char* what, const std::string& name, const std::vector<std::string>& known) {
  std::string message = "the dataset generator cannot draw the ";
  message += what;
  message += concat(" '", name, "' (it knows");
  for (const std::string& k : known) message += concat(" ", k);
  message += "); give the denoiser its images through load_state_dict instead";
  throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, message);
}

}  // namespace

std::vector<std::string> drawable_colors() {
  std::vector<std::string> names;
  for (const NamedColor& c : kPalette) names.emplace_back(c.name);
  return names;
}

std::vector<std::string> drawable_shapes() {
  std::vector<std::string> names;
  for (const NamedShape& s : kShapes) names.emplace_back(s.name);
  return names;
}

Dataset generate_dataset(const Vocabulary& vocabulary, int64_t sample_size) {
  if (sample_size < 4) throw brick::Error(BRICK_ERR_INVALID_ARGUMENT, "sample_size must be at least 4");
  std::vector<Rgb> colors;
  for (const std::string& name : vocabulary.colors) {
    auto it = std::find_if(std::begin(kPalette), std::end(kPalette), [&](const NamedColor& c) { return name == c.name; });
    if (it == std::end(kPalette)) unknown("colour", name, drawable_colors());
    colors.push_back(it->rgb);
  }
  std::vector<Sdf> sdfs;
  for (const std::string& name : vocabulary.shapes) {
    auto it = std::find_if(std::begin(kShapes), std::end(kShapes), [&](const NamedShape& s) { return name == s.name; });
    if (it == std::end(kShapes)) unknown("shape", name, drawable_shapes());
    sdfs.push_back(it->sdf);
  }

  const int64_t S = sample_size;
  const int64_t n = static_cast<int64_t>(colors.size() * sdfs.size()) * kVariants;
  std::vector<float> pixels(static_cast<size_t>(n * 3 * S * S));
  std::vector<int64_t> labels(static_cast<size_t>(n * 2));
  int64_t index = 0;
  for (size_t c = 0; c < colors.size(); ++c) {
    for (size_t s = 0; s < sdfs.size(); ++s) {
      for (const Placement& place : kPlacements) {
        float* image = pixels.data() + index * 3 * S * S;
        for (int64_t py = 0; py < S; ++py) {
          for (int64_t px = 0; px < S; ++px) {
            double x = (static_cast<double>(px) + 0.5) / static_cast<double>(S) - place.cx;
            double y = (static_cast<double>(py) + 0.5) / static_cast<double>(S) - place.cy;
            // Distance in pixels; coverage ramps over one pixel across the edge.
            double d = sdfs[s](x, y, place.r) * static_cast<double>(S);
            float coverage = static_cast<float>(std::clamp(0.5 - d, 0.0, 1.0));
            for (int64_t ch = 0; ch < 3; ++ch) {
              float v = kBackground[ch] + coverage * (colors[c][ch] - kBackground[ch]);
              image[(ch * S + py) * S + px] = 2.0f * v - 1.0f;
            }
          }
        }
        labels[static_cast<size_t>(index * 2)] = static_cast<int64_t>(c);
        labels[static_cast<size_t>(index * 2 + 1)] = static_cast<int64_t>(s);
        ++index;
      }
    }
  }
  Dataset dataset;
  dataset.images = at::from_blob(pixels.data(), {n, 3, S, S}, at::TensorOptions().dtype(at::kFloat)).clone();
  dataset.labels = at::from_blob(labels.data(), {n, 2}, at::TensorOptions().dtype(at::kLong)).clone();
  return dataset;
}

}  // namespace shapes
