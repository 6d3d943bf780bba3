// Host: the plugins a process has loaded, and blocks by their qualified
// names ("plugin.Block"). A custom host makes one, loads plugin files or
// folders into it, and creates blocks to build pipelines from.
//
//   brick::host::Host host;
//   for (const auto& failure : host.load_plugins({"/opt/brick/plugins"})) ...;  // carries on
//   auto block = host.create_block("example.Affine");
//   auto pipe = block->init_pipeline();
//
// Hot reload (docs/hot-reload.md): reload(name) or reload_file(path) loads a
// new build of a plugin as a new generation and publishes it; pipelines that
// follow the host (PipelineOptions::host) switch to it at their next run,
// runs in flight finish on the generation they started with, and the old
// generation is released when nothing made by it is left. HotReloader
// (hot_reloader.h) calls reload_file for changed files of watched folders.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
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
#include "brick/registry/scanner.h"

namespace brick::host {

struct LoadFailure {
  std::filesystem::path path;
  brick_status status;
  std::string reason;
};

class ComponentTypes;

// What a reload did, or what became of an old generation: what a reload
// listener gets, what reload() returns, and what a server answers.
struct ReloadEvent {
  enum class Kind {
    Loaded,     // a new generation now serves (or a new plugin was loaded)
    Unchanged,  // the file's content is the current generation's: nothing to do
    Refused,    // the new build was not loaded; the current generation keeps serving (reason says why)
    Unloaded,   // an old generation was released and its library dlclose'd
    Kept,       // an old generation was released but its library stays resident (reason says why)
  };
  Kind kind = Kind::Refused;
  std::string plugin;  // its name ("" when a refused file never said)
  std::filesystem::path file;
  std::string version;      // of the generation the event is about
  uint64_t generation = 0;  // ditto (0: none)
  std::string content_hash;
  std::string reason;  // Refused, Kept: why
  // "loaded", "unchanged", "refused", "unloaded", "kept".
  static const char* kind_name(Kind kind);
  // One line for a log or an HTTP answer: "reloaded plugin 'x' 2.0.0 (generation 2, fnv1a64:...)".
  std::string message() const;
};
using ReloadListener = std::function<void(const ReloadEvent&)>;

struct ReloadOptions {
  // Load the new build in the registry's scanner child process first
  // (registry/scanner.h): a build that crashes, aborts, hangs or is refused
  // by the loader there is refused here without running a line of it in
  // this process. Costs a process start (~1 s with LibTorch); HotReloader
  // and brick serve turn it on.
  bool validate_in_child = false;
  registry::ScanOptions scan;
};

// One generation of a loaded plugin, for listings (brick inspect, a
// server's GET /plugins).
struct PluginGeneration {
  std::string name, version;
  uint64_t generation = 0;
  std::string content_hash;
  std::filesystem::path file;
  bool current = false;  // false: an old generation still draining
  bool unloadable = false;
  std::string resident_reason;  // why it is not unloadable
};

class Host : public BlockFactory {
 public:
  Host();
  ~Host() override;
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

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

  // --- hot reload (docs/hot-reload.md) -------------------------------------
  // Loads the file the plugin `name` was loaded from again, as its next
  // generation, and publishes it: Unchanged when the file still holds the
  // current generation's bytes; Refused (with the reason; the current
  // generation keeps serving) when the new build fails to load, calls
  // itself by another name, or does not match the lock. Never throws for a
  // bad build; reloads are serialized.
  ReloadEvent reload(std::string_view name, const ReloadOptions& options = {});
  // The same for the plugin loaded from `file`; a file no plugin was loaded
  // from is loaded as a new plugin (Loaded or Refused).
  ReloadEvent reload_file(const std::filesystem::path& file, const ReloadOptions& options = {});
  // Every generation alive: the current ones (load order) and the old ones
  // still held by something made from them.
  std::vector<PluginGeneration> generations() const;
  // Receives every event (also those reload() returns) and the release of
  // old generations (Unloaded, Kept; on the reaper thread). Events are also
  // logged. Set it before reloading from several threads.
  void set_reload_listener(ReloadListener listener);
  // Increases whenever a reload publishes a generation: a pipeline that
  // follows this host rebuilds its blocks when it changed since its last run.
  uint64_t reload_epoch() const { return epoch_.load(std::memory_order_acquire); }

 private:
  struct Listener;
  std::shared_ptr<Listener> listener_;
  std::shared_ptr<Plugin> load_known(std::string_view plugin_name) const;
  void check_lock(const std::filesystem::path& file, const std::string& name) const;
  void check_lock_hash(const std::filesystem::path& file, const std::string& name, const std::string& hash) const;
  ReloadEvent reload_plugin(const std::shared_ptr<Plugin>& current, const ReloadOptions& options);
  void watch_release(Plugin& plugin) const;
  ReloadEvent emit(ReloadEvent event) const;

  std::mutex reload_mutex_;
  std::atomic<uint64_t> epoch_{0};
  std::vector<std::weak_ptr<Plugin>> retired_;  // under mutex_

  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<Plugin>> plugins_;
  std::vector<registry::PluginRecord> known_;
  std::optional<registry::LockFile> lock_;
  // Expires with the host: lazy component types check it before using it.
  std::shared_ptr<const int> alive_ = std::make_shared<const int>(0);
};

}  // namespace brick::host
