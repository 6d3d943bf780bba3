// shapes.ShapesDenoiser (the pipeline's `unet`): the exact optimal denoiser
// for a finite image set, in closed form, so the text-to-image pipeline
// produces real pictures with no trained weights.
//
// For a noisy sample x = c x0 + n eps (eps ~ N(0, I), x0 drawn uniformly from
// the dataset images matching the condition), the posterior over the images
// is p(i | x) = softmax_i(-||x - c x_i||^2 / (2 n^2)) (the brief's
// -||x/c - x_i||^2 / (2 sigma^2) with sigma = n / c, written without dividing
// by c so c -> 0 is fine too), and the minimum-mean-squared-error prediction
// of x0 is the posterior mean E[x0 | x] = sum_i p(i | x) x_i. Every
// parametrization follows from it: eps = (x - c x0) / n, v = c eps - n x0,
// flow = eps - x0 (see noise_schedule.h for c and n, and
// docs/plugins/shapes.md for the derivation).
//
// Methods (keyword arguments):
//   forward({sample, timestep, encoder_hidden_states?, prediction_type?}) -> Tensor
//   classify({images}) -> [{index, color, shape, distance}]
//   load_state_dict({state_dict: {images, labels}}) / state_dict() -> {images, labels}
//   to({device}), config()
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <ATen/core/Tensor.h>
#include <brick/sdk.h>

#include "dataset.h"
#include "noise_schedule.h"
#include "vocabulary.h"

namespace shapes {

class ShapesDenoiser : public brick::ComponentType {
 public:
  explicit ShapesDenoiser(brick::ValueRef config);

  brick::Value call(const std::string& method, brick::ValueRef args) override;
  brick::Value config() const override;

  // The C++ side of the methods, for this plugin's own code.
  // condition: [B, K] or [1, K] multi-hot (K = vocabulary size), or undefined
  // for unconditional. Runs on sample's device with tensor ops only: no
  // value is read back to the host, so it never synchronises a CUDA stream.
  at::Tensor forward(const at::Tensor& sample, double timestep, const at::Tensor& condition,
                     const std::string& prediction_type);
  struct Match {
    int64_t index;
    int64_t color;
    int64_t shape;
    double distance;  // root-mean-square distance in [-1, 1] pixel units
  };
  std::vector<Match> classify(const at::Tensor& images);
  void load_state_dict(const at::Tensor& images, const at::Tensor& labels);
  Dataset state_dict();
  void to(const at::Device& device);

  const Vocabulary& vocabulary() const { return vocabulary_; }
  const NoiseSchedule& schedule() const { return schedule_; }

 private:
  // The dataset flattened at one resolution, on one device, in one dtype.
  struct Resized {
    at::Tensor images;      // [N, 3 * h * w]
    at::Tensor attributes;  // [N, K] 0/1: the image's colour slot and shape slot
  };
  Resized resized(int64_t height, int64_t width, at::Device device, at::ScalarType dtype);
  const Dataset& dataset_locked();  // generates it on first use; mutex_ held

  int64_t sample_size_;
  int64_t num_train_timesteps_;
  double beta_start_;
  double beta_end_;
  std::string beta_schedule_;
  std::optional<std::vector<double>> trained_betas_;
  Vocabulary vocabulary_;
  NoiseSchedule schedule_;

  std::mutex mutex_;  // guards the members below (components may be called from several threads)
  std::optional<Dataset> dataset_;
  at::Device device_{at::kCPU};
  std::map<std::tuple<int64_t, int64_t, std::string, int>, Resized> cache_;
};

}  // namespace shapes
