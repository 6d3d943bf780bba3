// Plugin: one loaded plugin library and the block classes it exports.
//
// Loading checks, in this order and without running plugin code until the
// last step: the file is an ELF shared object for this machine, it carries a
// brick ABI tag, the tag's major version equals the host's and its minor is
// not newer; then the library is opened (RTLD_NOW | RTLD_LOCAL), its entry
// point called, and the descriptor it returns validated. Every refusal is a
// PluginLoadError naming the file and the reason.
//
// Libraries stay resident once opened (dlclose is never called), the choice
// GStreamer, Holoscan and OBS make too: objects and tensors from a plugin may
// outlive every handle the host keeps on it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
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

class Plugin : public std::enable_shared_from_this<Plugin> {
 public:
  // Throws PluginLoadError.
  static std::shared_ptr<Plugin> load(const std::filesystem::path& path);
  ~Plugin();
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;

  const std::filesystem::path& path() const { return path_; }
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

  std::filesystem::path path_;
  std::string name_, version_, description_, torch_fingerprint_;
  AbiVersion abi_;
  std::unique_ptr<Library> library_;
  const brick_plugin* descriptor_ = nullptr;
  std::vector<BlockClass> block_classes_;
  std::vector<const brick_component_class*> component_classes_;
};

}  // namespace brick::host
