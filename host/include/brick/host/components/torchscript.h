// TorchScript modules as components: type "brick.TorchScriptModule", loaded
// with torch::jit::load from the first *.pt file of a folder (with a variant,
// "*.<variant>.pt"), onto the device and dtype asked for. Blocks run it with
// call("forward", [args...]) (or any other method the module exports).
#pragma once

#include <filesystem>
#include <memory>

#include "brick/host/components/component_types.h"
#include "brick/host/value/object.h"

namespace brick::host {

class TorchScriptModule : public Object {
 public:
  // Loads a saved module file; throws Error naming the file on failure.
  static std::shared_ptr<TorchScriptModule> load_file(const std::filesystem::path& file, const LoadOptions& options);
  static std::shared_ptr<TorchScriptModule> load(const std::filesystem::path& folder, const ComponentSpec& spec,
                                                 const LoadOptions& options);
  ~TorchScriptModule() override;

  std::string class_name() const override { return "TorchScriptModule"; }
  bool is_model() const override { return true; }
  int64_t memory_footprint() const override;
  brick_device device() const override;
  std::string dtype() const override;
  void to(brick_device device) override;
  // Positional args (a list) or keyword args (a dict): tensors, numbers,
  // bools, strings, lists of them. A tuple result becomes a list.
  Value call(std::string_view method, const Value& args) override;
  // Writes <folder>/model.pt.
  void save(const std::filesystem::path& folder) const override;

  // The torch::jit::Module, for code that includes <torch/script.h> itself.
  void* native_module() const;

 private:
  struct Impl;
  explicit TorchScriptModule(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace brick::host
