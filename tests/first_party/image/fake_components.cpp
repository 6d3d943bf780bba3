// image_test: stand-ins for the components the image blocks call, with
// known formulas, so that the tests can compute the expected outputs:
//   FakeVae:          encode({sample}) = {mean: sample + 0.25, logvar: 0} (diffusers' latent
//                     distribution); config {scaling_factor (0.5 unless configured), shift_factor (None
//                     unless configured)}
//   FakeVaeNoConfig:  encode({sample}) = sample, a plain tensor; no `config` method (the blocks fall back to 1.0)
//   FakeScheduler:    add_noise({original_samples, noise, timestep}) = original_samples + noise * timestep / 1000
// Each records how it was last called (calls()), for the tests to look at.
#include <ATen/TensorOperators.h>
#include <brick/plugin.h>

#include <optional>

namespace {

class FakeVae : public brick::ComponentType {
 public:
  explicit FakeVae(brick::ValueRef config) {
    if (config.kind() == BRICK_VALUE_DICT && !config["scaling_factor"].is_none()) {
      scaling_factor_ = config["scaling_factor"].as<double>();
    }
    if (config.kind() == BRICK_VALUE_DICT && !config["shift_factor"].is_none()) {
      shift_factor_ = config["shift_factor"].as<double>();
    }
  }
  brick::Value call(const std::string& method, brick::ValueRef args) override {
    if (method == "encode") {
      at::Tensor images = args["sample"].as<at::Tensor>();
      last_shape_ = images.sizes().vec();
      return brick::Value::dict().set("mean", images + 0.25).set("logvar", images * 0.0);
    }
    if (method == "config") return config();
    if (method == "last_shape") return brick::Value(last_shape_);
    return brick::ComponentType::call(method, args);
  }
  brick::Value config() const override {
    brick::Value config = brick::Value::dict().set("scaling_factor", brick::Value(scaling_factor_));
    config.set("shift_factor", shift_factor_ ? brick::Value(*shift_factor_) : brick::Value());
    return config;
  }

 private:
  double scaling_factor_ = 0.5;
  std::optional<double> shift_factor_;
  std::vector<int64_t> last_shape_;
};

class FakeVaeNoConfig : public brick::ComponentType {
 public:
  brick::Value call(const std::string& method, brick::ValueRef args) override {
    if (method == "encode") return brick::Value(args["sample"].as<at::Tensor>());
    return brick::ComponentType::call(method, args);
  }
};

class FakeScheduler : public brick::ComponentType {
 public:
  brick::Value call(const std::string& method, brick::ValueRef args) override {
    if (method == "add_noise") {
      double t = args["timestep"].as<double>();
      last_timestep_ = t;
      return brick::Value(args["original_samples"].as<at::Tensor>() + args["noise"].as<at::Tensor>() * (t / 1000.0));
    }
    if (method == "last_timestep") return brick::Value(last_timestep_);
    return brick::ComponentType::call(method, args);
  }

 private:
  double last_timestep_ = -1.0;
};

}  // namespace

BRICK_PLUGIN("image_test", "1.0.0", "fake vae and scheduler for the image plugin's tests") {
  plugin.add_component<FakeVae>("FakeVae", "encode = images + 0.25, scaling_factor 0.5");
  plugin.add_component<FakeVaeNoConfig>("FakeVaeNoConfig", "encode = images, no config method");
  plugin.add_component<FakeScheduler>("FakeScheduler", "add_noise = x + noise * t / 1000");
}
