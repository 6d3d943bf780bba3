// PluginBuilder: the list of block classes a plugin exports, filled in the
// body of BRICK_PLUGIN (brick/plugin.h) and turned into the brick_plugin
// descriptor the entry point returns.
#pragma once

#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "brick/sdk/detail/block_instance.h"
#include "brick/sdk/detail/component_instance.h"
#include "brick/sdk/torch_fingerprint.h"

namespace brick {

class PluginBuilder {
 public:
  template <class B>
  PluginBuilder& add(std::string name, std::string description = {}) {
    static_assert(std::is_base_of_v<ModularPipelineBlocks, B>, "blocks derive from brick::ModularPipelineBlocks");
    auto entry = std::make_unique<detail::ClassEntry>();
    entry->struct_size = sizeof(brick_block_class);
    entry->name_storage = std::move(name);
    entry->description_storage = std::move(description);
    entry->create = &detail::BlockInstance<B>::create;
    classes_.push_back(std::move(entry));
    return *this;
  }

  // A component type (ABI 1.1), named "<plugin>.<name>" on the host.
  template <class T>
  PluginBuilder& add_component(std::string name, std::string description = {}) {
    static_assert(std::is_base_of_v<ComponentType, T>, "component types derive from brick::ComponentType");
    auto entry = std::make_unique<detail::ComponentClassEntry>();
    entry->struct_size = sizeof(brick_component_class);
    entry->name_storage = std::move(name);
    entry->description_storage = std::move(description);
    entry->create = &detail::ComponentInstance<T>::create;
    component_classes_.push_back(std::move(entry));
    return *this;
  }

  // Declares the plugin unloadable (ABI 1.3, BRICK_PLUGIN_UNLOADABLE): after
  // a hot reload the host may dlclose an old generation once nothing made by
  // it is alive. Only when it holds (docs/hot-reload.md): no thread_local
  // with a destructor, no torch operator registrations, no CUDA kernels of
  // its own, no thread or allocation of its own that outlives shutdown.
  PluginBuilder& unloadable(bool value = true) {
    unloadable_ = value;
    return *this;
  }

  // Builds the descriptor; called once, from the entry point.
  const brick_plugin* finish(const char* name, const char* version, const char* description,
                             void (*shutdown)(brick_ctx*) = nullptr) {
    for (auto& entry : classes_) {
      entry->name = entry->name_storage.c_str();
      entry->description = detail::c_str_or_null(entry->description_storage);
      pointers_.push_back(entry.get());
    }
    plugin_.struct_size = sizeof plugin_;
    plugin_.name = name;
    plugin_.version = version;
    plugin_.description = description;
    plugin_.torch_fingerprint = BRICK_TORCH_FINGERPRINT;
    plugin_.block_classes = pointers_.data();
    plugin_.num_block_classes = static_cast<uint32_t>(pointers_.size());
    for (auto& entry : component_classes_) {
      entry->name = entry->name_storage.c_str();
      entry->description = detail::c_str_or_null(entry->description_storage);
      component_pointers_.push_back(entry.get());
    }
    plugin_.component_classes = component_pointers_.data();
    plugin_.num_component_classes = static_cast<uint32_t>(component_pointers_.size());
    plugin_.shutdown = shutdown;
    plugin_.flags = unloadable_ ? BRICK_PLUGIN_UNLOADABLE : 0u;
    return &plugin_;
  }

 private:
  std::vector<std::unique_ptr<detail::ClassEntry>> classes_;
  std::vector<const brick_block_class*> pointers_;
  std::vector<std::unique_ptr<detail::ComponentClassEntry>> component_classes_;
  std::vector<const brick_component_class*> component_pointers_;
  brick_plugin plugin_{};
  bool unloadable_ = false;
};

}  // namespace brick
