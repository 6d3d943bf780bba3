// test_core_models: stand-ins for the shapes plugin's models, so the core
// blocks can be run and checked by hand: a FakeUnet whose forward is a known
// function of its inputs (and which records how it was called) and a FakeVae
// that upsamples. Loaded through the real loader by the core tests.
#include <ATen/TensorOperators.h>
#include <ATen/ops/repeat_interleave.h>
#include <ATen/ops/sum.h>
#include <brick/plugin.h>

#include <string>
#include <vector>

namespace {

double number(brick::ValueRef config, const char* key, double fallback) {
  return config.kind() == BRICK_VALUE_DICT && !config[key].is_none() ? config[key].as<double>() : fallback;
}

// forward = a * sample + 0.01 * sum(encoder_hidden_states[b]) + 1e-4 * timestep.
class FakeUnet : public brick::ComponentType {
 public:
  explicit FakeUnet(brick::ValueRef config)
      : in_channels_(static_cast<int64_t>(number(config, "in_channels", 3))),
        sample_size_(static_cast<int64_t>(number(config, "sample_size", 8))),
        a_(number(config, "a", 0.1)) {}

  brick::Value call(const std::string& method, brick::ValueRef args) override {
    if (method == "config") return config();
    if (method == "forward") {
      at::Tensor sample = args["sample"].as<at::Tensor>();
      at::Tensor embeds = args["encoder_hidden_states"].as<at::Tensor>();
      const double t = args["timestep"].as<double>();
      prediction_types_.push_back(args["prediction_type"].as<std::string>());
      batch_sizes_.push_back(sample.size(0));
      at::Tensor shift = at::sum(embeds, {1}).view({-1, 1, 1, 1}) * 0.01;
      return brick::Value(sample * a_ + shift + t * 1e-4);
    }
    if (method == "calls") {
      return brick::Value::dict()
          .set("prediction_types", brick::Value(prediction_types_))
          .set("batch_sizes", brick::Value(batch_sizes_));
    }
    return brick::ComponentType::call(method, args);
  }

  brick::Value config() const override {
    return brick::Value::dict()
        .set("in_channels", brick::Value(in_channels_))
        .set("sample_size", brick::Value(sample_size_))
        .set("a", brick::Value(a_));
  }

 private:
  int64_t in_channels_;
  int64_t sample_size_;
  double a_;
  std::vector<std::string> prediction_types_;
  std::vector<int64_t> batch_sizes_;
};

// decode = 0.5 * nearest-upsampled latents (downsample_factor per side).
class FakeVae : public brick::ComponentType {
 public:
  explicit FakeVae(brick::ValueRef config)
      : scaling_factor_(number(config, "scaling_factor", 0.5)),
        downsample_factor_(static_cast<int64_t>(number(config, "downsample_factor", 2))) {}

  brick::Value call(const std::string& method, brick::ValueRef args) override {
    if (method == "config") return config();
    if (method == "decode") {
      at::Tensor latents = args["latents"].as<at::Tensor>();
      at::Tensor up =
          at::repeat_interleave(at::repeat_interleave(latents, downsample_factor_, 2), downsample_factor_, 3);
      return brick::Value(up * 0.5);
    }
    return brick::ComponentType::call(method, args);
  }

  brick::Value config() const override {
    return brick::Value::dict()
        .set("scaling_factor", brick::Value(scaling_factor_))
        .set("downsample_factor", brick::Value(downsample_factor_));
  }

 private:
  double scaling_factor_;
  int64_t downsample_factor_;
};

}  // namespace

BRICK_PLUGIN("test_core_models", "1.0.0", "fake unet and vae for the core plugin's tests") {
  plugin.add_component<FakeUnet>("FakeUnet", "a * sample + 0.01 * sum(embeds) + 1e-4 * t");
  plugin.add_component<FakeVae>("FakeVae", "0.5 * upsampled latents");
}
