// Plugin::load: from a file path to a validated plugin, refusing anything
// that does not fit this host with a message naming the file and the reason.
#include "brick/host/plugin/plugin.h"

#include <dlfcn.h>
#include <link.h>
#include <signal.h>
#include <unistd.h>

#include <boost/dll/shared_library.hpp>
#include <cstddef>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "brick/host/base/error.h"
#include "brick/host/base/log.h"
#include "brick/host/base/names.h"
#include "brick/registry/abi_probe.h"
#include "brick/registry/content_hash.h"
#include "brick/registry/unload_facts.h"
#include "brick/sdk/torch_fingerprint.h"
#include "call_context.h"
#include "call_scope.h"
#include "components/cuda_sync.h"
#include "declarations.h"
#include "library_reaper.h"
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
  return detail::make_plugin_block(plugin_->shared_from_this(), qualified_name(), instance, factory, config);
}

namespace {

std::string hex_of(uint64_t hash) {
  std::string text = registry::hash_text(hash);  // "fnv1a64:<hex>"
  return text.substr(text.find(':') + 1);
}

// Removes leftovers of processes that died between writing a copy and
// opening it (<hash>-<pid>.so whose pid is gone).
void remove_stale_copies(const std::filesystem::path& dir) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    size_t dash = name.rfind('-');
    size_t dot = name.find('.', dash == std::string::npos ? 0 : dash);
    if (dash == std::string::npos || dot == std::string::npos) continue;
    pid_t pid = static_cast<pid_t>(std::strtol(name.substr(dash + 1, dot - dash - 1).c_str(), nullptr, 10));
    if (pid <= 0 || pid == getpid()) continue;
    if (kill(pid, 0) != 0 && errno == ESRCH) std::filesystem::remove(entry.path(), ec);
  }
}

// Writes `bytes` to <dir>/<hash>-<pid>.so through a temporary name and a
// rename, so the path never holds a partial file.
std::filesystem::path write_private_copy(const std::filesystem::path& source, const std::string& bytes,
                                         const std::string& hash_hex) {
  static std::once_flag pruned;
  std::filesystem::path dir = private_copy_dir();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || access(dir.c_str(), W_OK) != 0) {
    // A read-only cache (a service account, a sandbox): the temporary
    // folder, in a folder of this user's own.
    dir = std::filesystem::temp_directory_path() / ("brick-generations-" + std::to_string(getuid()));
    std::filesystem::create_directory(dir, ec);
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
  }
  std::call_once(pruned, [&] { remove_stale_copies(dir); });
  std::filesystem::path target = dir / (hash_hex + "-" + std::to_string(getpid()) + ".so");
  static std::atomic<uint64_t> counter{0};
  std::filesystem::path temporary =
      dir / (hash_hex + "-" + std::to_string(getpid()) + ".so.tmp" + std::to_string(counter.fetch_add(1)));
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      std::filesystem::remove(temporary, ec);
      refuse(source, BRICK_ERR_BAD_PLUGIN,
             "its private copy could not be written to " + dir.string() +
                 " (set BRICK_GENERATIONS_DIR to a writable folder)");
    }
  }
  std::filesystem::rename(temporary, target, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    refuse(source, BRICK_ERR_BAD_PLUGIN, "its private copy could not be written to " + target.string());
  }
  return target;
}

// The first and last address of the library's loaded segments.
std::pair<uintptr_t, uintptr_t> mapped_range(const std::string& loaded) {
  struct Search {
    const std::string* name;
    uintptr_t begin = UINTPTR_MAX, end = 0;
  } search{&loaded};
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) {
        auto* s = static_cast<Search*>(data);
        if (!info->dlpi_name || *s->name != info->dlpi_name) return 0;
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr)& ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_LOAD) continue;
          s->begin = std::min<uintptr_t>(s->begin, info->dlpi_addr + ph.p_vaddr);
          s->end = std::max<uintptr_t>(s->end, info->dlpi_addr + ph.p_vaddr + ph.p_memsz);
        }
        return 1;
      },
      &search);
  return search.begin < search.end ? std::make_pair(search.begin, search.end)
                                   : std::make_pair(uintptr_t{0}, uintptr_t{0});
}

bool listed_by_phdr(const std::string& loaded) {
  std::pair<const std::string*, bool> search{&loaded, false};
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) {
        auto* s = static_cast<std::pair<const std::string*, bool>*>(data);
        if (info->dlpi_name && *s->first == info->dlpi_name) s->second = true;
        return s->second ? 1 : 0;
      },
      &search);
  return search.second;
}

// Makes an opened library resident (glibc adds RTLD_NODELETE to a loaded
// object through an RTLD_NOLOAD open).
void make_resident(const std::filesystem::path& loaded) {
  if (void* handle = dlopen(loaded.c_str(), RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE)) dlclose(handle);
}

}  // namespace

std::filesystem::path private_copy_dir() {
  if (const char* dir = std::getenv("BRICK_GENERATIONS_DIR"); dir && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    return std::filesystem::path(xdg) / "brick" / "generations";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::filesystem::path(home) / ".cache" / "brick" / "generations";
  }
  return std::filesystem::temp_directory_path() / "brick-generations";
}

void wait_for_plugin_unloads() { detail::wait_for_reaper(); }

std::string Plugin::resident_reason() const {
  if (pinned_.load(std::memory_order_acquire)) {
    std::lock_guard lock(pin_mutex_);
    return pinned_reason_;
  }
  return unloadable_ ? std::string() : resident_reason_;
}

void Plugin::pin(const std::string& reason) const {
  std::lock_guard lock(pin_mutex_);
  if (pinned_.load(std::memory_order_relaxed)) return;
  pinned_reason_ = reason;
  pinned_.store(true, std::memory_order_release);
  if (unloadable_) make_resident(loaded_path_);
}

std::shared_ptr<Plugin> Plugin::load(const std::filesystem::path& path, uint64_t generation) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) refuse(path, BRICK_ERR_NOT_FOUND, "no such file");

  // 0. The bytes, read once: hashed, and written to the private copy that is
  //    opened, so what is hashed is what runs, whatever happens to the
  //    user's file meanwhile.
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) refuse(path, BRICK_ERR_BAD_PLUGIN, "the file cannot be read");
    bytes = std::move(text).str();
  }
  const uint64_t hash = registry::content_hash(bytes);
  // A previous generation of the same bytes may be on its way out: let it go
  // first, so this load maps a fresh library or shares a live one, never one
  // half unloaded. Then everything from writing the private copy to counting
  // the library's users happens under the one library mutex
  // (library_reaper.h): two loads of the same bytes never share, or unlink,
  // each other's copy.
  detail::wait_for_reaper();
  std::lock_guard<std::recursive_mutex> library_lock(detail::library_mutex());
  const std::filesystem::path copy = write_private_copy(path, bytes, hex_of(hash));
  bytes.clear();
  bytes.shrink_to_fit();
  struct Unlink {
    std::filesystem::path file;
    ~Unlink() {
      std::error_code ignored;
      std::filesystem::remove(file, ignored);
    }
  } unlink_copy{copy};

  // 1. The ABI tag, read from the file: no plugin code runs before this passes.
  registry::AbiTagProbe probe = registry::read_abi_tag(copy);
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
  // What the file says about unloading it: a file with a trap is opened
  // resident from the start.
  const std::string blocker = registry::unload_blocker(registry::read_unload_facts(copy));

  // 2. Open it. RTLD_NOW reports unresolved symbols now rather than mid-run.
  std::shared_ptr<Plugin> plugin(new Plugin());
  plugin->path_ = path;
  plugin->loaded_path_ = copy;
  plugin->generation_ = generation;
  plugin->content_hash_ = registry::hash_text(hash);
  plugin->resident_reason_ = blocker;
  plugin->library_ = std::make_unique<Library>();
  try {
    int resident = blocker.empty() ? 0 : RTLD_NODELETE;
    auto mode = static_cast<boost::dll::load_mode::type>(boost::dll::load_mode::rtld_now |
                                                         boost::dll::load_mode::rtld_local | resident);
    detail::CallScope scope(nullptr, "loading plugin file " + path.string() + " (its static constructors)", nullptr,
                            detail::Inference::Inherit);
    plugin->library_->library.load(copy, mode);
  } catch (const std::system_error& e) {
    std::string reason = e.what();
    // The loader names the private copy; the user knows the file.
    for (size_t at; (at = reason.find(copy.string())) != std::string::npos;) {
      reason.replace(at, copy.string().size(), path.string());
    }
    refuse(path, BRICK_ERR_BAD_PLUGIN, "the dynamic loader refused it: " + reason);
  }
  // Until it is known to be unloadable, a refused or unflagged library stays
  // resident as every plugin did before ABI 1.3.
  struct KeepResident {
    Plugin* plugin;
    bool armed = true;
    ~KeepResident() {
      if (!armed) return;
      plugin->unloadable_ = false;
      if (plugin->resident_reason_.empty()) make_resident(plugin->loaded_path_);
    }
  } keep_resident{plugin.get()};
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

  // 4. Unloadable: declared (ABI 1.3) and nothing in the file forbids it.
  if (plugin->resident_reason_.empty()) {
    if (plugin->abi_.minor < 3) {
      plugin->resident_reason_ = "it was built for brick ABI " + plugin->abi_.str() +
                                 ", before plugins could declare themselves unloadable (1.3)";
    } else if (!(d.flags & BRICK_PLUGIN_UNLOADABLE)) {
      plugin->resident_reason_ = "it does not declare itself unloadable (BRICK_PLUGIN_UNLOADABLE)";
    }
  }
  plugin->unloadable_ = plugin->resident_reason_.empty();
  keep_resident.armed = false;
  // Opened without RTLD_NODELETE (its file showed no trap) but not
  // unloadable after all: resident from now on.
  if (!plugin->unloadable_ && blocker.empty()) make_resident(copy);
  std::tie(plugin->map_begin_, plugin->map_end_) = mapped_range(copy.string());
  return plugin;
}

// A library's descriptor is the same each time its entry point runs (several
// Plugin objects, e.g. of several Hosts or two generations of the same bytes,
// may share one library); shutdown runs when the last of them goes, once per
// library. Counted under the library mutex, which also covers opening and
// closing (library_reaper.h).
namespace {
std::map<const brick_plugin*, int>& descriptor_users() {
  static auto* users = new std::map<const brick_plugin*, int>();  // outlives static destruction
  return *users;
}

void call_shutdown(const brick_plugin* descriptor, const Plugin* plugin, const std::string& name) {
  if (descriptor->struct_size >= offsetof(brick_plugin, shutdown) + sizeof(void*) && descriptor->shutdown) {
    brick_ctx ctx;
    ctx.plugin = plugin;
    detail::CallScope scope(plugin, "plugin '" + name + "' (shutdown)", nullptr, detail::Inference::Inherit);
    descriptor->shutdown(&ctx);
  }
}

// Decrements the library's users; true when this was the last.
bool release_descriptor(const brick_plugin* descriptor) {
  auto found = descriptor_users().find(descriptor);
  if (found == descriptor_users().end()) return true;
  if (--found->second > 0) return false;  // another user remains
  descriptor_users().erase(found);
  return true;
}
}  // namespace

void Plugin::retain_descriptor(const brick_plugin* descriptor) {
  std::lock_guard lock(detail::library_mutex());
  ++descriptor_users()[descriptor];
  descriptor_ = descriptor;
}

Plugin::~Plugin() {
  if (!descriptor_) return;
  if (!unloadable() || detail::process_exiting()) {
    // Resident (or the process is exiting, when nothing is worth
    // unmapping): shut down here, as every plugin was before hot reload.
    {
      std::lock_guard lock(detail::library_mutex());
      if (!release_descriptor(descriptor_)) return;
      call_shutdown(descriptor_, this, name_);
    }
    if (release_listener_) {
      std::string why = resident_reason();
      release_listener_(PluginRelease{name_, version_, generation_, content_hash_, false, "kept resident: " + why});
    }
    return;
  }
  // Unloadable: the reaper thread shuts it down, waits for the device and
  // closes it (never here: this may be a tensor deleter on any thread).
  struct Job {
    const brick_plugin* descriptor;
    std::shared_ptr<Library> library;
    std::string name, version, hash, loaded;
    uint64_t generation;
    PluginReleaseListener listener;
  };
  auto job = std::make_shared<Job>(Job{descriptor_, std::shared_ptr<Library>(std::move(library_)), name_, version_,
                                       content_hash_, loaded_path_.string(), generation_, release_listener_});
  detail::reap([job] {
    PluginRelease release{job->name, job->version, job->generation, job->hash, false, {}};
    bool shared = false;  // another generation of the same bytes keeps the library: expected
    {
      std::lock_guard lock(detail::library_mutex());
      if (!release_descriptor(job->descriptor)) {
        job->library.reset();
        shared = true;
        release.detail = "the library stays: another generation of the same file uses it";
      } else {
        call_shutdown(job->descriptor, nullptr, job->name);
        detail::synchronize_cuda_devices();
        job->library->library.unload();
        job->library.reset();
        void* still = dlopen(job->loaded.c_str(), RTLD_NOW | RTLD_NOLOAD);
        if (still) dlclose(still);
        bool listed = listed_by_phdr(job->loaded);
        release.unloaded = !still && !listed;
        release.detail = release.unloaded ? "unloaded" : "dlclose left it mapped (a library it loaded pins it)";
      }
    }
    // A routine unload is debug news (a host ending unloads its plugins);
    // one that left the library mapped is a warning.
    log(release.unloaded || shared ? LogLevel::Debug : LogLevel::Warning, "brick",
        "plugin '" + release.name + "' " + release.version + " (generation " + std::to_string(release.generation) +
            "): " + release.detail);
    if (job->listener) job->listener(release);
  });
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
