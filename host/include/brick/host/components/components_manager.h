// ComponentsManager: a registry of component objects shared between
// pipelines (diffusers' components_manager.py), with memory reporting and
// automatic CPU offload.
//
//   auto manager = std::make_shared<ComponentsManager>();
//   PipelineOptions options;  options.components_manager = manager;  options.collection = "sdxl";
//   ModularPipeline pipe(std::move(blocks), options);  // loaded components are added
//   manager->enable_auto_cpu_offload();                 // CUDA:0, 3 GiB reserve
//
// Ids are "<name>_<address of the object>", as diffusers' f"{name}_{id(obj)}".
// With auto offload on, every model rests on the CPU; when a block fetches one
// (Components::use), the strategy picks which resident models go back to the
// CPU to make room, and the model moves to the execution device.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "brick/brick_abi.h"
#include "brick/host/value/value.h"

namespace brick::host {

// A model on the execution device, as the strategy sees it.
struct ResidentModel {
  std::string id;
  int64_t size = 0;  // bytes (memory_footprint)
};

// (resident models, incoming model id, its size, free device memory in
// bytes) -> ids of the resident models to move to the CPU.
using OffloadStrategy = std::function<std::vector<std::string>(
    const std::vector<ResidentModel>& resident, const std::string& model_id, int64_t model_size, int64_t free_memory)>;
// Free memory of a device in bytes (torch.cuda.mem_get_info()[0]).
using FreeMemoryFn = std::function<int64_t(brick_device device)>;

// diffusers' AutoOffloadStrategy: free = free_memory - margin. A model that
// fits (size < free) evicts nothing. Otherwise need = size - free, and of all
// combinations of resident models (sorted by size, largest first, stably),
// the one with the smallest total >= need wins (the first found on ties);
// when none suffices, all resident models are offloaded (with a warning).
class AutoOffloadStrategy {
 public:
  explicit AutoOffloadStrategy(int64_t memory_reserve_margin = int64_t{3} << 30) : margin_(memory_reserve_margin) {}
  std::vector<std::string> operator()(const std::vector<ResidentModel>& resident, const std::string& model_id,
                                      int64_t model_size, int64_t free_memory) const;
  int64_t memory_reserve_margin() const { return margin_; }

 private:
  int64_t margin_;
};

// cudaMemGetInfo on the CUDA runtime LibTorch runs on (through c10::cuda; no
// second runtime is opened); nullopt when this LibTorch has no CUDA or there
// is no such device.
std::optional<int64_t> cuda_free_memory(int device_index);

struct ModelInfo {
  std::string model_id;
  double added_time = 0;  // seconds since the epoch
  std::vector<std::string> collections;
  std::string class_name;
  std::optional<double> size_gb;  // memory_footprint / 1024^3, models only
  bool has_hook = false;          // auto offload manages it
  std::string execution_device;   // "cuda:0", "cpu", or "" when no offload
  std::string device;             // where it is now
  std::string dtype;
  std::string load_id;
};

struct AutoOffloadOptions {
  brick_device device{2, 0};                         // the execution device (CUDA:0)
  int64_t memory_reserve_margin = int64_t{3} << 30;  // "3GB"
  OffloadStrategy strategy;                          // empty: AutoOffloadStrategy(margin)
  FreeMemoryFn free_memory;                          // empty: cuda_free_memory
};

class ComponentsManager {
 public:
  ComponentsManager();
  ~ComponentsManager();
  ComponentsManager(const ComponentsManager&) = delete;
  ComponentsManager& operator=(const ComponentsManager&) = delete;

  // Adds a component and returns its id. The same object under the same name
  // keeps its id (warns "already exists"); under another name it is added
  // again (warns "duplicate of"). Adding into a collection evicts a same-name
  // component from it; one left in no collection is removed.
  std::string add(const std::string& name, const Value& component, const std::string& collection = "");
  // Removes it (a model goes back to the CPU). Unknown ids throw Error.
  void remove(const std::string& id);
  void remove_from_collection(const std::string& id, const std::string& collection);

  // search_components(names, collection, load_id): names is a pattern:
  // "unet" (exact base name, else a substring), "!unet" (not), "unet*"
  // (prefix), "*unet*" (contains), "a|b" (any of; exact unless a term has a
  // wildcard), combinable with "!". Empty filters match everything. Throws
  // Error(NOT_FOUND) when nothing matches. Keys are base names
  // (with_names; duplicates throw) or ids.
  Value::Dict search_components(const std::string& names = "", const std::string& collection = "",
                                const std::string& load_id = "", bool with_names = true) const;
  // Exactly one match, else Error.
  Value get_one(const std::string& component_id) const;
  Value get_one(const std::string& name, const std::string& collection, const std::string& load_id = "") const;
  std::vector<std::string> get_ids(const std::string& names = "", const std::string& collection = "") const;
  std::vector<std::string> ids() const;  // every id, in insertion order
  std::vector<std::string> collections_of(const std::string& id) const;

  ModelInfo get_model_info(const std::string& id) const;
  // A table of the components: id, class, device, dtype, size (GB), load id, collections.
  std::string repr() const;

  // Auto offload: models rest on the CPU and move to options.device on use.
  // Throws Error(UNSUPPORTED) when no free-memory function is given and the
  // device has none (no CUDA runtime): diffusers' NotImplementedError.
  void enable_auto_cpu_offload(AutoOffloadOptions options = {});
  void disable_auto_cpu_offload();  // every model to the CPU
  bool auto_offload_enabled() const;
  void set_offload_strategy(OffloadStrategy strategy);

  // The offload hook: before `component` runs, make room (per the strategy)
  // and move it to the execution device. No-op without auto offload, or for a
  // component that is not a managed model.
  void prepare_for_use(const Value& component);

 private:
  struct Entry;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace brick::host
