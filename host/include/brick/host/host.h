// Host: the plugins a process has loaded, and blocks by their qualified
// names ("plugin.Block"). A custom host makes one, loads plugin files or
// folders into it, and creates blocks to build pipelines from.
//
//   brick::host::Host host;
//   for (const auto& failure : host.load_plugins({"/opt/brick/plugins"})) ...;  // carries on
//   auto block = host.create_block("example.Affine");
//   auto pipe = block->init_pipeline();
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "brick/host/modular_pipeline.h"
#include "brick/host/plugin.h"

namespace brick::host {

struct LoadFailure {
  std::filesystem::path path;
  brick_status status;
  std::string reason;
};

class ComponentTypes;

class Host : public BlockFactory {
 public:
  // Loads one plugin file; the same file twice gives the same Plugin. Throws
  // PluginLoadError, also when another file already claimed the plugin name.
  std::shared_ptr<Plugin> load_plugin(const std::filesystem::path& path);
  // Loads every plugin file given, and every *.so in every folder given.
  // Failures are logged and returned; the others load regardless.
  std::vector<LoadFailure> load_plugins(const std::vector<std::filesystem::path>& paths);

  std::vector<std::shared_ptr<Plugin>> plugins() const;
  std::shared_ptr<Plugin> find_plugin(std::string_view name) const;

  // "plugin.Block"; throws Error(BRICK_ERR_NOT_FOUND) listing what is loaded.
  const BlockClass& block_class(std::string_view qualified_name) const;
  // A block of any loaded plugin; composites find their sub-blocks here too.
  BlockPtr create_block(std::string_view qualified_name, const Value& config = {}) const override;

  // The component types pipelines of this host create and load: the built-in
  // ones (safetensors, TorchScript) and every loaded plugin's ("plugin.Name").
  std::shared_ptr<const ComponentTypes> component_types() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<Plugin>> plugins_;
};

}  // namespace brick::host
