// Plugin::load: from a file path to a validated plugin, refusing anything
// that does not fit this host with a message naming the file and the reason.
#include "brick/host/plugin/plugin.h"

#include <dlfcn.h>

#include <boost/dll/shared_library.hpp>
#include <cstddef>
#include <map>
#include <mutex>
#include <set>

#include "brick/host/base/error.h"
#include "brick/host/base/log.h"
#include "brick/host/base/names.h"
#include "brick/registry/abi_probe.h"
#include "brick/sdk/torch_fingerprint.h"
#include "call_context.h"
#include "call_scope.h"
#include "declarations.h"
#include "make_plugin_block.h"
#include "plugin_component.h"

namespace brick::host {

struct Plugin::Library {
  boost::dll::shared_library library;
};

namespace {

[[noreturn]] void refuse(const std::filesystem::path& path, brick_status status, const std::string& reason) {
  throw PluginLoadError(status, path.string(), "cannot load plugin " + path.string() + ": " + reason);
}

void check_abi_tag(const std::filesystem::path& path, const brick_abi_tag& tag) {
  if (tag.magic != BRICK_ABI_MAGIC) refuse(path, BRICK_ERR_BAD_PLUGIN, "its ABI tag is malformed (wrong magic)");
  AbiVersion plugin{tag.major, tag.minor};
  if (tag.major != kHostAbi.major) {
    refuse(path, BRICK_ERR_ABI_MISMATCH,
           "it was built for brick ABI " + plugin.str() + ", but this host speaks ABI " + kHostAbi.str() +
               "; major versions must match");
  }
  if (tag.minor > kHostAbi.minor) {
    refuse(path, BRICK_ERR_ABI_MISMATCH,
           "it was built for brick ABI " + plugin.str() + ", newer than this host's ABI " + kHostAbi.str() +
               "; upgrade the host or rebuild the plugin against SDK " + kHostAbi.str());
  }
}

// Everything of brick_plugin before `shutdown` is required.
constexpr size_t kPluginRequiredSize = offsetof(brick_plugin, shutdown);
constexpr size_t kClassRequiredSize = offsetof(brick_block_class, create) + sizeof(void*);

}  // namespace

std::string BlockClass::qualified_name() const { return plugin_->name() + "." + name_; }

std::unique_ptr<ModularPipelineBlocks> BlockClass::create(const Value& config, const BlockFactory* factory) const {
  if (!config.is_none() && config.kind() != Value::Kind::Dict) {
    throw Error(BRICK_ERR_INVALID_ARGUMENT,
                "block '" + qualified_name() + "' takes a dict of constructor arguments, got " + config.kind_name());
  }
  brick_ctx ctx;
  ctx.plugin = plugin_;
  brick_value handle = config.is_none() ? nullptr : detail::handle_of(&config);
  brick_block* instance = nullptr;
  brick_status status;
  {
    detail::CallScope scope(plugin_, "block '" + qualified_name() + "' (create)", nullptr, detail::Inference::Inherit);
    status = abi_->create(abi_, &ctx, handle, &instance);
  }
  if (status != BRICK_OK) {
    throw BlockError(status, qualified_name(),
                     "cannot create block '" + qualified_name() +
                         "': " + (ctx.error.empty() ? std::string(brick_status_name(status)) : ctx.error));
  }
  return detail::make_plugin_block(plugin_->shared_from_this(), qualified_name(), instance, factory);
}

std::shared_ptr<Plugin> Plugin::load(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) refuse(path, BRICK_ERR_NOT_FOUND, "no such file");

  // 1. The ABI tag, read from the file: no plugin code runs before this passes.
  registry::AbiTagProbe probe = registry::read_abi_tag(path);
  switch (probe.result) {
    case registry::AbiTagProbe::Result::Unreadable:
      refuse(path, BRICK_ERR_BAD_PLUGIN, "the file " + probe.reason);
    case registry::AbiTagProbe::Result::NoTag:
      refuse(path, BRICK_ERR_BAD_PLUGIN,
             std::string("it is not a brick plugin (it exports no '") + BRICK_ABI_TAG_SYMBOL + "' symbol)");
    case registry::AbiTagProbe::Result::Found:
      check_abi_tag(path, probe.tag);
      break;
    case registry::AbiTagProbe::Result::NoSections:
      break;  // checked once opened
  }

  // 2. Open it. RTLD_NOW reports unresolved symbols now rather than mid-run;
  //    RTLD_NODELETE keeps it resident (see plugin.h).
  std::shared_ptr<Plugin> plugin(new Plugin());
  plugin->path_ = path;
  plugin->library_ = std::make_unique<Library>();
  try {
    auto mode = static_cast<boost::dll::load_mode::type>(boost::dll::load_mode::rtld_now |
                                                         boost::dll::load_mode::rtld_local | RTLD_NODELETE);
    detail::CallScope scope(nullptr, "loading plugin file " + path.string() + " (its static constructors)", nullptr,
                            detail::Inference::Inherit);
    plugin->library_->library.load(path, mode);
  } catch (const std::system_error& e) {
    refuse(path, BRICK_ERR_BAD_PLUGIN, std::string("the dynamic loader refused it: ") + e.what());
  }
  auto& library = plugin->library_->library;
  if (!library.has(BRICK_ABI_TAG_SYMBOL)) {
    refuse(path, BRICK_ERR_BAD_PLUGIN,
           std::string("it is not a brick plugin (it exports no '") + BRICK_ABI_TAG_SYMBOL + "' symbol)");
  }
  const brick_abi_tag& tag = library.get<const brick_abi_tag>(BRICK_ABI_TAG_SYMBOL);
  check_abi_tag(path, tag);
  plugin->abi_ = AbiVersion{tag.major, tag.minor};
  if (!library.has(BRICK_ENTRY_SYMBOL)) {
    refuse(path, BRICK_ERR_BAD_PLUGIN, std::string("it has no entry point '") + BRICK_ENTRY_SYMBOL + "'");
  }

  // 3. The entry point and the descriptor it returns.
  auto* entry = library.get<const brick_plugin*(const brick_host_api*, brick_ctx*)>(BRICK_ENTRY_SYMBOL);
  brick_ctx ctx;
  ctx.plugin = plugin.get();
  const brick_plugin* descriptor = nullptr;
  {
    detail::CallScope scope(nullptr, "the entry point of plugin file " + path.string(), nullptr,
                            detail::Inference::Inherit);
    descriptor = entry(detail::host_api(), &ctx);
  }
  if (descriptor) plugin->retain_descriptor(descriptor);
  if (!descriptor) {
    refuse(path, BRICK_ERR_BAD_PLUGIN,
           "its entry point failed: " + (ctx.error.empty() ? std::string("it returned no descriptor") : ctx.error));
  }
  if (descriptor->struct_size < kPluginRequiredSize) {
    refuse(path, BRICK_ERR_BAD_PLUGIN,
           "its descriptor is too small (" + std::to_string(descriptor->struct_size) + " bytes, at least " +
               std::to_string(kPluginRequiredSize) + " expected)");
  }
  brick_plugin d = detail::read_struct(descriptor);
  if (!d.name || !is_identifier(d.name)) {
    refuse(path, BRICK_ERR_BAD_PLUGIN,
           "its name '" + std::string(d.name ? d.name : "") + "' is not an identifier ([A-Za-z0-9_]+)");
  }
  plugin->name_ = d.name;
  plugin->version_ = d.version ? d.version : "";
  plugin->description_ = d.description ? d.description : "";
  plugin->torch_fingerprint_ = d.torch_fingerprint ? d.torch_fingerprint : "";
  if (plugin->version_.empty()) refuse(path, BRICK_ERR_BAD_PLUGIN, "plugin '" + plugin->name_ + "' has no version");
  if (!plugin->torch_fingerprint_.empty() && plugin->torch_fingerprint_ != BRICK_TORCH_FINGERPRINT) {
    refuse(path, BRICK_ERR_ABI_MISMATCH,
           "plugin '" + plugin->name_ + "' was built against LibTorch '" + plugin->torch_fingerprint_ +
               "', but this host runs '" + BRICK_TORCH_FINGERPRINT + "'; rebuild it against this host's LibTorch");
  }

  if (d.num_block_classes && !d.block_classes) {
    refuse(path, BRICK_ERR_BAD_PLUGIN, "plugin '" + plugin->name_ + "' lists block classes but gives no array");
  }
  std::set<std::string> seen;
  for (uint32_t i = 0; i < d.num_block_classes; ++i) {
    const brick_block_class* cls = d.block_classes[i];
    if (!cls || cls->struct_size < kClassRequiredSize || !cls->create) {
      refuse(path, BRICK_ERR_BAD_PLUGIN,
             "plugin '" + plugin->name_ + "': block class " + std::to_string(i) + " is incomplete");
    }
    if (!cls->name || !is_identifier(cls->name)) {
      refuse(path, BRICK_ERR_BAD_PLUGIN,
             "plugin '" + plugin->name_ + "': block class " + std::to_string(i) + " has an invalid name '" +
                 std::string(cls->name ? cls->name : "") + "'");
    }
    if (!seen.insert(cls->name).second) {
      refuse(path, BRICK_ERR_BAD_PLUGIN,
             "plugin '" + plugin->name_ + "' exports block '" + std::string(cls->name) + "' twice");
    }
    BlockClass block_class;
    block_class.plugin_ = plugin.get();
    block_class.abi_ = cls;
    block_class.name_ = cls->name;
    if (cls->struct_size >= offsetof(brick_block_class, create) && cls->description) {
      block_class.description_ = cls->description;
    }
    plugin->block_classes_.push_back(std::move(block_class));
  }
  plugin->read_component_classes(d);  // ABI 1.1 (host/src/components/plugin_component_types.cpp)
  return plugin;
}

// A library's descriptor is the same each time its entry point runs (several
// Plugin objects, e.g. of several Hosts, may share one library); shutdown
// runs when the last of them goes.
namespace {
std::mutex g_descriptors_mutex;
std::map<const brick_plugin*, int>& descriptor_users() {
  static std::map<const brick_plugin*, int> users;
  return users;
}
}  // namespace

void Plugin::retain_descriptor(const brick_plugin* descriptor) {
  std::lock_guard lock(g_descriptors_mutex);
  ++descriptor_users()[descriptor];
  descriptor_ = descriptor;
}

Plugin::~Plugin() {
  if (!descriptor_) return;
  {
    std::lock_guard lock(g_descriptors_mutex);
    auto found = descriptor_users().find(descriptor_);
    if (found != descriptor_users().end() && --found->second > 0) return;  // another user remains
    if (found != descriptor_users().end()) descriptor_users().erase(found);
  }
  if (descriptor_->struct_size >= offsetof(brick_plugin, shutdown) + sizeof(void*) && descriptor_->shutdown) {
    brick_ctx ctx;
    ctx.plugin = this;
    detail::CallScope scope(this, "plugin '" + name_ + "' (shutdown)", nullptr, detail::Inference::Inherit);
    descriptor_->shutdown(&ctx);
  }
}

const BlockClass* Plugin::find_block_class(std::string_view name) const {
  for (const BlockClass& c : block_classes_) {
    if (c.name() == name) return &c;
  }
  return nullptr;
}

// ---- component types (ABI 1.1): read and checked at load time, registered
// into a pipeline's ComponentTypes on demand.

void Plugin::read_component_classes(const brick_plugin& d) {
  auto refuse = [&](const std::string& why) {
    throw PluginLoadError(BRICK_ERR_BAD_PLUGIN, path_.string(),
                          "cannot load plugin " + path_.string() + ": plugin '" + name_ + "': " + why);
  };
  if (d.struct_size < offsetof(brick_plugin, component_classes) + sizeof(void*)) return;  // a 1.0 descriptor
  if (d.num_component_classes && !d.component_classes) refuse("it lists component classes but gives no array");
  std::set<std::string> seen;
  for (uint32_t i = 0; i < d.num_component_classes; ++i) {
    const brick_component_class* cls = d.component_classes[i];
    if (!cls || cls->struct_size < offsetof(brick_component_class, create) + sizeof(void*) || !cls->create) {
      refuse("component class " + std::to_string(i) + " is incomplete");
    }
    if (!cls->name || !is_identifier(cls->name)) {
      refuse("component class " + std::to_string(i) + " has an invalid name '" + (cls->name ? cls->name : "") + "'");
    }
    if (!seen.insert(cls->name).second) refuse("it exports component type '" + std::string(cls->name) + "' twice");
    component_classes_.push_back(cls);
  }
}

std::vector<std::string> Plugin::component_class_names() const {
  std::vector<std::string> out;
  for (const brick_component_class* cls : component_classes_) out.emplace_back(cls->name);
  return out;
}

std::vector<std::string> Plugin::component_class_descriptions() const {
  std::vector<std::string> out;
  for (const brick_component_class* cls : component_classes_) {
    out.emplace_back(
        cls->struct_size > offsetof(brick_component_class, description) && cls->description ? cls->description : "");
  }
  return out;
}

void Plugin::add_component_types(ComponentTypes& types) const {
  detail::add_plugin_component_types(shared_from_this(), component_classes_, types);
}

}  // namespace brick::host
