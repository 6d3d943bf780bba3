// Plugin: one loaded plugin library and the block classes it exports.
//
// Loading checks, in this order and without running plugin code until the
// last step: the file is an ELF shared object for this machine, it carries a
// brick ABI tag, the tag's major version equals the host's and its minor is
// not newer; then the library is opened (RTLD_NOW | RTLD_LOCAL), its entry
// point called, and the descriptor it returns validated. Every refusal is a
// PluginLoadError naming the file and the reason.
//
// Each load is a generation (docs/hot-reload.md): the file's bytes are
// copied to a private, content-addressed path (private_copy_dir()) and opened
// from there, never from the user's path, so a new build renamed or copied
// over the file cannot touch a mapped library. The copy is unlinked once
// opened. Everything made from a generation (block instances, component
// objects, tensors with its deleters, component-type functions) holds a
// shared_ptr to its Plugin, so a generation lives until the last of them
// goes. Then a plugin that declares itself unloadable (ABI 1.3) and whose file
// shows none of the unload traps is shut down and dlclose'd on the reaper
// thread; every other one stays resident (RTLD_NODELETE), the choice
// GStreamer, Holoscan and OBS make for all plugins.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "brick/brick_abi.h"
#include "brick/host/blocks/block_factory.h"
#include "brick/host/blocks/blocks.h"
#include "brick/host/value/value.h"

namespace brick::host {

struct AbiVersion {
  uint16_t major = 0;
  uint16_t minor = 0;
  std::string str() const { return std::to_string(major) + "." + std::to_string(minor); }
};

// The ABI this host speaks.
inline constexpr AbiVersion kHostAbi{BRICK_ABI_VERSION_MAJOR, BRICK_ABI_VERSION_MINOR};

class Plugin;
class ComponentTypes;

// A block type a plugin exports, named "<plugin>.<name>".
class BlockClass {
 public:
  const std::string& name() const { return name_; }
  std::string qualified_name() const;
  const std::string& description() const { return description_; }
  const Plugin& plugin() const { return *plugin_; }

  // A new block; config holds constructor arguments (a dict) or None. A
  // composite block finds sub-blocks of other plugins through factory.
  std::unique_ptr<ModularPipelineBlocks> create(const Value& config = {}, const BlockFactory* factory = nullptr) const;

 private:
  friend class Plugin;
  const Plugin* plugin_ = nullptr;
  const brick_block_class* abi_ = nullptr;
  std::string name_;
  std::string description_;
};

// What became of a generation when the last reference to it went.
struct PluginRelease {
  std::string name, version;
  uint64_t generation = 0;
  std::string content_hash;
  // true: dlclose'd and verified gone (RTLD_NOLOAD finds nothing and
  // dl_iterate_phdr no longer lists it); false: it stays resident (detail says why).
  bool unloaded = false;
  std::string detail;
};
using PluginReleaseListener = std::function<void(const PluginRelease&)>;

class Plugin : public std::enable_shared_from_this<Plugin> {
 public:
  // Throws PluginLoadError. `generation` numbers the loads of one plugin
  // name in a Host (1 for the first).
  static std::shared_ptr<Plugin> load(const std::filesystem::path& path, uint64_t generation = 1);
  ~Plugin();
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;

  // The user's file the generation was read from.
  const std::filesystem::path& path() const { return path_; }
  // The private copy it was opened from (unlinked once opened; the dynamic
  // loader still knows the library by this name).
  const std::filesystem::path& loaded_path() const { return loaded_path_; }
  uint64_t generation() const { return generation_; }
  // "fnv1a64:<16 hex digits>" of the bytes loaded (the registry's and lock
  // file's hash).
  const std::string& content_hash() const { return content_hash_; }
  // Whether the library is dlclose'd once the generation's last reference
  // goes; when not, resident_reason() says why.
  bool unloadable() const { return unloadable_ && !pinned_.load(std::memory_order_relaxed); }
  std::string resident_reason() const;
  // Called (on the reaper thread, or the releasing one for a resident
  // plugin) when the generation is released. Set before sharing the plugin.
  void set_release_listener(PluginReleaseListener listener) { release_listener_ = std::move(listener); }
  // Keeps the library loaded for good (a tensor whose deleter is its code
  // escaped, say); reason is what resident_reason() reports.
  void pin(const std::string& reason) const;
  // Whether `address` lies in the library's mapped segments.
  bool contains_address(const void* address) const {
    auto a = reinterpret_cast<uintptr_t>(address);
    return a >= map_begin_ && a < map_end_;
  }

  const std::string& name() const { return name_; }
  const std::string& version() const { return version_; }
  const std::string& description() const { return description_; }
  // Empty for a portable (LibTorch-free) plugin.
  const std::string& torch_fingerprint() const { return torch_fingerprint_; }
  AbiVersion abi() const { return abi_; }

  const std::vector<BlockClass>& block_classes() const { return block_classes_; }
  const BlockClass* find_block_class(std::string_view name) const;

  // The component types it exports (ABI 1.1), registered as "<plugin>.<Name>".
  std::vector<std::string> component_class_names() const;
  // Their one-line descriptions, parallel to component_class_names().
  std::vector<std::string> component_class_descriptions() const;
  void add_component_types(ComponentTypes& types) const;

 private:
  struct Library;
  Plugin() = default;
  void read_component_classes(const brick_plugin& descriptor);
  void retain_descriptor(const brick_plugin* descriptor);

  std::filesystem::path path_, loaded_path_;
  uint64_t generation_ = 1;
  std::string content_hash_;
  bool unloadable_ = false;
  std::string resident_reason_;
  mutable std::atomic<bool> pinned_{false};
  mutable std::mutex pin_mutex_;
  mutable std::string pinned_reason_;  // under pin_mutex_
  uintptr_t map_begin_ = 0, map_end_ = 0;
  PluginReleaseListener release_listener_;
  std::string name_, version_, description_, torch_fingerprint_;
  AbiVersion abi_;
  std::unique_ptr<Library> library_;
  const brick_plugin* descriptor_ = nullptr;
  std::vector<BlockClass> block_classes_;
  std::vector<const brick_component_class*> component_classes_;
};

// Where generations' private copies are written: $BRICK_GENERATIONS_DIR, else
// $XDG_CACHE_HOME/brick/generations (~/.cache/brick/generations), else (or
// when that is not writable) the temporary folder's brick-generations-<uid>.
// Files are named
// <content hash>-<pid>.so and unlinked once opened; a crashed process's
// leftovers are removed by the next load in that folder.
std::filesystem::path private_copy_dir();

// Blocks until the reaper thread has shut down and dlclose'd every
// unloadable generation released so far (tests, and a host about to check
// its mapped libraries).
void wait_for_plugin_unloads();

}  // namespace brick::host
