// PluginBlockInstance: one block instance a plugin created, owned by a host
// block. It keeps the plugin loaded while it lives, destroys the instance
// through its own vtable, copies it through `clone` (Python's deepcopy), and
// turns a failed call into a BlockError naming the block.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "brick/brick_abi.h"
#include "brick/host/value/value.h"

struct brick_ctx;

namespace brick::host {
class Plugin;
}

namespace brick::host::detail {

class PluginBlockInstance {
 public:
  // Takes ownership of instance (also when this throws: an instance without
  // call, clone or destroy is refused).
  PluginBlockInstance(std::shared_ptr<const Plugin> plugin, std::string qualified_name, brick_block* instance);
  ~PluginBlockInstance();
  PluginBlockInstance(const PluginBlockInstance& other);  // clone; throws BlockError
  PluginBlockInstance(PluginBlockInstance&& other) noexcept
      : plugin_(std::move(other.plugin_)),
        qualified_name_(std::move(other.qualified_name_)),
        config_(std::move(other.config_)),
        instance_(std::exchange(other.instance_, nullptr)) {}
  PluginBlockInstance& operator=(const PluginBlockInstance&) = delete;

  brick_block* get() const { return instance_; }
  const Plugin* plugin() const { return plugin_.get(); }
  const std::shared_ptr<const Plugin>& plugin_ptr() const { return plugin_; }
  const std::string& qualified_name() const { return qualified_name_; }
  // The constructor arguments it was created with (None: none): what a
  // reload creates the next generation's block from.
  const Value& config() const { return config_; }
  void set_config(Value config) { config_ = std::move(config); }
  // The ABI 1.1 entries, or nullptr (a plugin built for ABI 1.0).
  decltype(brick_block::loop_call) loop_call() const;
  decltype(brick_block::select_block) select_block() const;

  // Throws "Error in block '<qualified name>': <the plugin's message>" when
  // status is not BRICK_OK.
  void check(brick_status status, const brick_ctx& ctx) const;

 private:
  std::shared_ptr<const Plugin> plugin_;
  std::string qualified_name_;
  Value config_;
  brick_block* instance_;
};

}  // namespace brick::host::detail
