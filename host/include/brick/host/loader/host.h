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
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "brick/host/blocks/block_factory.h"
#include "brick/host/plugin/plugin.h"
#include "brick/registry/lock_file.h"
#include "brick/registry/registry.h"

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
  // Unloaded plugins of the registry (use_registry) are loaded here, on
  // the first use of one of their blocks.
  BlockPtr create_block(std::string_view qualified_name, const Value& config = {}) const override;

  // The component types pipelines of this host create and load: the built-in
  // ones (safetensors, TorchScript), every loaded plugin's ("plugin.Name"),
  // and every registry-known plugin's, whose library opens when a component
  // of one of its types is first made (so `scheduler=DDIMScheduler` works
  // for a pipeline that uses no block of `core`). The host must outlive the
  // first use of such a type.
  std::shared_ptr<const ComponentTypes> component_types() const;

  // --- the registry: knowing blocks without loading their plugins ---------
  // Takes the registry's usable plugins as known: their blocks are listed
  // (block_names), described (describe_block) and validated from their
  // cached declarations without opening a library; a library is loaded on
  // the first block_class / create_block of one of its blocks. Loaded
  // plugins take precedence over known ones of the same name. Call it before
  // the host is shared between threads.
  void use_registry(const registry::Registry& registry);
  // From now on, refuses to load a plugin the lock lists whose file's content
  // hash differs from the locked one (a PluginLoadError naming the plugin,
  // the file and both hashes). The plugin's name is taken from the registry
  // when it knows the file, so the library is never opened; otherwise it is
  // checked right after opening, before any block is used.
  void use_lock(registry::LockFile lock);
  // "plugin.Block" of every block: the loaded plugins' in load order, then
  // the known ones' in search order; each plugin's blocks in its own order.
  std::vector<std::string> block_names() const;
  // A block that answers the declaration questions (inputs, outputs, doc):
  // from the registry's cache when the plugin is not loaded (nothing is
  // opened), else a fresh instance. Throws Error(BRICK_ERR_NOT_FOUND) like
  // block_class.
  BlockPtr describe_block(std::string_view qualified_name) const;
  // The registry's record of a known plugin, or nullptr.
  const registry::PluginRecord* known_plugin(std::string_view name) const;

 private:
  std::shared_ptr<Plugin> load_known(std::string_view plugin_name) const;
  void check_lock(const std::filesystem::path& file, const std::string& name) const;

  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<Plugin>> plugins_;
  std::vector<registry::PluginRecord> known_;
  std::optional<registry::LockFile> lock_;
  // Expires with the host: lazy component types check it before using it.
  std::shared_ptr<const int> alive_ = std::make_shared<const int>(0);
};

}  // namespace brick::host
