// Components: what a pipeline hands its blocks besides the state, i.e. the
// component objects (models, schedulers, guiders) and the pipeline configs
// its blocks declared with ConfigSpec. In diffusers this is the pipeline
// object itself; here it is a separate value the pipeline owns.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "brick/brick_abi.h"
#include "brick/host/value/value.h"

namespace brick::host {

class Components {
 public:
  // A component, or nullptr when the pipeline has none of that name.
  const Value* get(std::string_view name) const;
  void set(std::string_view name, Value component);
  const Value::Dict& all() const { return components_; }
  // The component a block is about to use (what blocks get through the ABI):
  // runs the use hook first, which is where a ComponentsManager with auto
  // offload moves a model to the execution device.
  const Value* use(std::string_view name);
  void set_use_hook(std::function<void(const Value&)> hook) { use_hook_ = std::move(hook); }

  const Value* config(std::string_view name) const;
  void set_config(std::string_view name, Value value);
  const Value::Dict& configs() const { return configs_; }

  // Where blocks run: DLPack device codes, and the CUDA stream the pipeline
  // was given (ModularPipeline::to); nullptr: none of its own, so calls use
  // the device's current stream. Plugins never see this nullptr: around
  // every call the host makes the stream ATen's current one, and get_stream
  // returns it, NULL only for a CPU pipeline (plugin/call_guards.h).
  brick_device device() const { return device_; }
  void* stream() const { return stream_; }
  void set_device(brick_device device, void* stream = nullptr) {
    device_ = device;
    stream_ = stream;
  }

 private:
  Value::Dict components_;
  Value::Dict configs_;
  brick_device device_{1, 0};  // kDLCPU
  void* stream_ = nullptr;
  std::function<void(const Value&)> use_hook_;
};

}  // namespace brick::host
