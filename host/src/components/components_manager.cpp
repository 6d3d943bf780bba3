#include "brick/host/components/components_manager.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <sstream>

#include "brick/host/base/error.h"
#include "brick/host/base/log.h"
#include "brick/host/value/object.h"

namespace brick::host {

namespace {

std::string address_of(const Value& v, uint64_t fallback) {
  const void* p = v.tensor_impl();
  if (v.is_object()) p = v.as_object().get();
  char text[32];
  if (p) {
    std::snprintf(text, sizeof text, "%llu", static_cast<unsigned long long>(reinterpret_cast<uintptr_t>(p)));
  } else {
    std::snprintf(text, sizeof text, "v%llu", static_cast<unsigned long long>(fallback));
  }
  return text;
}

// "unet_1403..." -> "unet" (everything before the last '_').
std::string base_name(const std::string& id) {
  size_t bar = id.rfind('_');
  return bar == std::string::npos ? std::string() : id.substr(0, bar);
}

std::string device_text(brick_device d) {
  if (d.device_type == 2) return "cuda:" + std::to_string(d.device_id);
  if (d.device_type == 1) return "cpu";
  return "device" + std::to_string(d.device_type) + ":" + std::to_string(d.device_id);
}

bool same_device(brick_device a, brick_device b) {
  return a.device_type == b.device_type && a.device_id == b.device_id;
}

std::shared_ptr<Object> model_of(const Value& v) {
  if (!v.is_object()) return nullptr;
  std::shared_ptr<Object> object = v.as_object();
  return object->is_model() ? object : nullptr;
}

bool matches(const std::string& base, const std::string& pattern, bool exact) {
  if (exact) return pattern == base;
  // "*sub*" before "pre*": diffusers tests the trailing '*' first, which makes
  // "*sub*" a prefix "*sub" that matches nothing.
  if (!pattern.empty() && pattern.front() == '*') {
    std::string search = pattern.substr(1);
    if (!search.empty() && search.back() == '*') search.pop_back();
    return base.find(search) != std::string::npos;
  }
  if (!pattern.empty() && pattern.back() == '*') return base.rfind(pattern.substr(0, pattern.size() - 1), 0) == 0;
  return pattern == base;
}

}  // namespace

// ---- AutoOffloadStrategy ------------------------------------------------

std::vector<std::string> AutoOffloadStrategy::operator()(const std::vector<ResidentModel>& resident,
                                                         const std::string& /*model_id*/, int64_t model_size,
                                                         int64_t free_memory) const {
  if (resident.empty()) return {};
  int64_t free = free_memory - margin_;
  if (model_size < free) return {};
  int64_t need = model_size - free;
  // diffusers logs this at info level, which Python hides by default.
  log(LogLevel::Debug, "brick",
      " search for models to offload in order to free up " + std::to_string(need / double(int64_t{1} << 30)) +
          " GB memory");

  std::vector<ResidentModel> sorted = resident;
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.size > b.size; });
  const size_t n = sorted.size();
  // combinations(ids, r) for r = 1..n, in itertools order; keep the first
  // combination with the smallest total that is >= need.
  std::vector<size_t> best;
  int64_t best_size = 0;
  bool found = false;
  std::vector<size_t> pick;
  for (size_t r = 1; r <= n; ++r) {
    pick.resize(r);
    for (size_t i = 0; i < r; ++i) pick[i] = i;
    while (true) {
      int64_t total = 0;
      for (size_t i : pick) total += sorted[i].size;
      if (total >= need && (!found || total < best_size)) {
        best = pick;
        best_size = total;
        found = true;
      }
      // next combination
      size_t i = r;
      while (i > 0 && pick[i - 1] == n - r + (i - 1)) --i;
      if (i == 0) break;
      ++pick[i - 1];
      for (size_t j = i; j < r; ++j) pick[j] = pick[j - 1] + 1;
    }
  }
  std::vector<std::string> out;
  if (!found) {
    log_warning("no combination of models to offload to cpu is found, offloading all models");
    for (const ResidentModel& m : resident) out.push_back(m.id);
    return out;
  }
  // In the order the models were given (diffusers filters its hook list).
  for (const ResidentModel& m : resident) {
    for (size_t i : best) {
      if (sorted[i].id == m.id) out.push_back(m.id);
    }
  }
  return out;
}

// ---- ComponentsManager --------------------------------------------------

struct ComponentsManager::Entry {
  std::string id;
  Value component;
  double added_time = 0;
};

struct ComponentsManager::Impl {
  mutable std::recursive_mutex mutex;
  std::vector<Entry> entries;                                                 // insertion order
  std::vector<std::pair<std::string, std::vector<std::string>>> collections;  // collection -> ids
  uint64_t counter = 0;
  bool offload = false;
  AutoOffloadOptions offload_options;

  Entry* find(const std::string& id) {
    for (Entry& e : entries) {
      if (e.id == id) return &e;
    }
    return nullptr;
  }
  std::vector<std::string>* collection(const std::string& name, bool create) {
    for (auto& [key, ids] : collections) {
      if (key == name) return &ids;
    }
    if (!create) return nullptr;
    collections.emplace_back(name, std::vector<std::string>());
    return &collections.back().second;
  }
  std::vector<std::string> collections_of(const std::string& id) const {
    std::vector<std::string> out;
    for (const auto& [key, ids] : collections) {
      if (std::find(ids.begin(), ids.end(), id) != ids.end()) out.push_back(key);
    }
    return out;
  }
  // _lookup_ids(name, collection, load_id)
  std::vector<std::string> lookup(const std::string& name, const std::string& collection_name,
                                  const std::string& load_id) const {
    std::vector<std::string> out;
    for (const Entry& e : entries) {
      if (!name.empty() && base_name(e.id) != name) continue;
      if (!collection_name.empty()) {
        auto in = collections_of(e.id);
        if (std::find(in.begin(), in.end(), collection_name) == in.end()) continue;
      }
      if (!load_id.empty()) {
        if (!e.component.is_object() || e.component.as_object()->load_id() != load_id) continue;
      }
      out.push_back(e.id);
    }
    return out;
  }
  void offload_all() {
    for (Entry& e : entries) {
      if (auto model = model_of(e.component)) model->to(brick_device{1, 0});
    }
  }
};

ComponentsManager::ComponentsManager() : impl_(std::make_unique<Impl>()) {}
ComponentsManager::~ComponentsManager() = default;

std::string ComponentsManager::add(const std::string& name, const Value& component, const std::string& collection) {
  std::lock_guard lock(impl_->mutex);
  std::string id = name + "_" + address_of(component, ++impl_->counter);
  bool is_new = true;
  for (const Entry& e : impl_->entries) {
    if (!e.component.is(component)) continue;
    if (base_name(e.id) == name) {
      log_warning("ComponentsManager: component '" + name + "' already exists as '" + e.id + "'");
      id = e.id;
      is_new = false;
      break;
    }
    log_warning("ComponentsManager: adding component '" + name + "' as '" + id + "', but it is duplicate of '" + e.id +
                "'To remove a duplicate, call `components_manager.remove('<component_id>')`.");
  }
  if (component.is_object()) {
    const std::string& load_id = component.as_object()->load_id();
    if (!load_id.empty() && load_id != "null") {
      std::string existing;
      for (const std::string& other : impl_->lookup("", "", load_id)) {
        if (other == id) continue;
        existing += existing.empty() ? other : ", " + other;
      }
      if (!existing.empty()) {
        log_warning("ComponentsManager: adding component '" + id + "', but it has duplicate load_id '" + load_id +
                    "' with existing components: " + existing +
                    ". To remove a duplicate, call `components_manager.remove('<component_id>')`.");
      }
    }
  }
  if (is_new) {
    double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    impl_->entries.push_back({id, component, now});
  }
  if (!collection.empty()) {
    std::vector<std::string>& ids = *impl_->collection(collection, true);
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
      for (const std::string& other : impl_->lookup(name, collection, "")) {
        log_warning("ComponentsManager: removing existing " + name + " from collection '" + collection + "': " + other);
        remove_from_collection(other, collection);
      }
      impl_->collection(collection, true)->push_back(id);
    }
  }
  // A model joining an offloading manager starts on the CPU.
  if (impl_->offload && is_new) {
    if (auto model = model_of(component)) model->to(brick_device{1, 0});
  }
  return id;
}

void ComponentsManager::remove_from_collection(const std::string& id, const std::string& collection) {
  std::lock_guard lock(impl_->mutex);
  std::vector<std::string>* ids = impl_->collection(collection, false);
  if (!ids || std::find(ids->begin(), ids->end(), id) == ids->end()) {
    log_warning("ComponentsManager: component '" + id + "' not found in collection '" + collection + "'");
    return;
  }
  ids->erase(std::find(ids->begin(), ids->end(), id));
  // A component in no collection any more leaves the manager.
  if (impl_->collections_of(id).empty()) remove(id);
}

void ComponentsManager::remove(const std::string& id) {
  std::lock_guard lock(impl_->mutex);
  auto it = std::find_if(impl_->entries.begin(), impl_->entries.end(), [&](const Entry& e) { return e.id == id; });
  if (it == impl_->entries.end())
    throw Error(BRICK_ERR_NOT_FOUND, "Component '" + id + "' not found in ComponentsManager");
  Value component = it->component;
  impl_->entries.erase(it);
  for (auto& [key, ids] : impl_->collections) {
    auto found = std::find(ids.begin(), ids.end(), id);
    if (found != ids.end()) ids.erase(found);
  }
  if (auto model = model_of(component)) model->to(brick_device{1, 0});
}

Value::Dict ComponentsManager::search_components(const std::string& names_in, const std::string& collection,
                                                 const std::string& load_id, bool with_names) const {
  std::lock_guard lock(impl_->mutex);
  std::vector<const Entry*> selected;
  for (const std::string& id : impl_->lookup("", collection, load_id)) selected.push_back(impl_->find(id));

  auto result = [&](const std::vector<const Entry*>& found) {
    Value::Dict out;
    for (const Entry* e : found) {
      std::string key = with_names ? base_name(e->id) : e->id;
      for (const auto& item : out) {
        if (item.first == key) {
          throw Error(
              BRICK_ERR_INVALID_ARGUMENT,
              "Duplicate component names found in the search results: " + key +
                  ", please set `return_dict_with_names=False` to return a dictionary with component IDs as keys");
        }
      }
      out.emplace_back(std::move(key), e->component);
    }
    return out;
  };
  if (names_in.empty()) return result(selected);

  std::string names = names_in;
  bool negate = names.front() == '!';
  if (negate) names.erase(0, 1);
  auto any_base = [&](auto pred) {
    return std::any_of(selected.begin(), selected.end(), [&](const Entry* e) { return pred(base_name(e->id)); });
  };
  std::function<bool(const std::string&)> keep;
  if (names.find('|') != std::string::npos) {
    std::vector<std::string> terms;
    std::stringstream split(names);
    for (std::string term; std::getline(split, term, '|');) terms.push_back(term);
    bool exact = std::none_of(terms.begin(), terms.end(),
                              [](const std::string& t) { return !t.empty() && (t.front() == '*' || t.back() == '*'); });
    keep = [terms, exact](const std::string& base) {
      return std::any_of(terms.begin(), terms.end(), [&](const std::string& t) { return matches(base, t, exact); });
    };
  } else if (any_base([&](const std::string& b) { return b == names; })) {
    keep = [names](const std::string& base) { return base == names; };
  } else if (!names.empty() && (names.front() == '*' || names.back() == '*')) {
    keep = [names](const std::string& base) { return matches(base, names, false); };
  } else if (any_base([&](const std::string& b) { return b.find(names) != std::string::npos; })) {
    keep = [names](const std::string& base) { return base.find(names) != std::string::npos; };
  } else {
    throw Error(BRICK_ERR_NOT_FOUND, "Component or pattern '" + names + "' not found in ComponentsManager");
  }
  std::vector<const Entry*> found;
  for (const Entry* e : selected) {
    if (keep(base_name(e->id)) != negate) found.push_back(e);
  }
  if (found.empty()) throw Error(BRICK_ERR_NOT_FOUND, "No components found matching pattern '" + names + "'");
  return result(found);
}

Value ComponentsManager::get_one(const std::string& component_id) const {
  std::lock_guard lock(impl_->mutex);
  const Entry* e = impl_->find(component_id);
  if (!e) throw Error(BRICK_ERR_NOT_FOUND, "Component '" + component_id + "' not found in ComponentsManager");
  return e->component;
}

Value ComponentsManager::get_one(const std::string& name, const std::string& collection,
                                 const std::string& load_id) const {
  Value::Dict results = search_components(name, collection, load_id);
  if (results.empty()) throw Error(BRICK_ERR_NOT_FOUND, "No components found matching '" + name + "'");
  if (results.size() > 1) {
    std::string found;
    for (const auto& item : results) found += found.empty() ? item.first : ", " + item.first;
    throw Error(BRICK_ERR_INVALID_ARGUMENT, "Multiple components found matching '" + name + "': " + found);
  }
  return results.front().second;
}

std::vector<std::string> ComponentsManager::get_ids(const std::string& names, const std::string& collection) const {
  std::lock_guard lock(impl_->mutex);
  Value::Dict found = search_components(names, collection, "", false);
  std::vector<std::string> out;
  for (const auto& item : found) out.push_back(item.first);
  return out;
}

std::vector<std::string> ComponentsManager::ids() const {
  std::lock_guard lock(impl_->mutex);
  std::vector<std::string> out;
  for (const Entry& e : impl_->entries) out.push_back(e.id);
  return out;
}

std::vector<std::string> ComponentsManager::collections_of(const std::string& id) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->collections_of(id);
}

ModelInfo ComponentsManager::get_model_info(const std::string& id) const {
  std::lock_guard lock(impl_->mutex);
  const Entry* e = impl_->find(id);
  if (!e) throw Error(BRICK_ERR_NOT_FOUND, "Component '" + id + "' not found in ComponentsManager");
  ModelInfo info;
  info.model_id = id;
  info.added_time = e->added_time;
  info.collections = impl_->collections_of(id);
  if (e->component.is_object()) {
    std::shared_ptr<Object> object = e->component.as_object();
    info.class_name = object->class_name();
    info.load_id = object->load_id();
    if (object->is_model()) {
      info.size_gb = static_cast<double>(object->memory_footprint()) / (1024.0 * 1024.0 * 1024.0);
      info.device = device_text(object->device());
      info.dtype = object->dtype();
      info.has_hook = impl_->offload;
      if (impl_->offload) info.execution_device = device_text(impl_->offload_options.device);
    }
  } else {
    info.class_name = e->component.kind_name();
  }
  return info;
}

std::string ComponentsManager::repr() const {
  std::lock_guard lock(impl_->mutex);
  auto pad = [](std::string s, size_t width) {
    if (s.size() < width) s.append(width - s.size(), ' ');
    return s;
  };
  std::string out = "Components:\n";
  out += pad("Name_ID", 40) + " | " + pad("Class", 24) + " | " + pad("Device: act(exec)", 20) + " | " +
         pad("Dtype", 15) + " | " + pad("Size (GB)", 9) + " | " + pad("Load ID", 30) + " | Collection\n";
  for (const Entry& e : impl_->entries) {
    ModelInfo info = get_model_info(e.id);
    std::string device = info.device.empty() ? "N/A" : info.device;
    if (!info.execution_device.empty()) device += "(" + info.execution_device + ")";
    char size[32] = "N/A";
    if (info.size_gb) std::snprintf(size, sizeof size, "%.2f", *info.size_gb);
    std::string collections;
    for (const std::string& c : info.collections) collections += collections.empty() ? c : ", " + c;
    out += pad(e.id, 40) + " | " + pad(info.class_name, 24) + " | " + pad(device, 20) + " | " +
           pad(info.dtype.empty() ? "N/A" : info.dtype, 15) + " | " + pad(size, 9) + " | " +
           pad(info.load_id.empty() ? "N/A" : info.load_id, 30) + " | " + (collections.empty() ? "N/A" : collections) +
           "\n";
  }
  return out;
}

void ComponentsManager::enable_auto_cpu_offload(AutoOffloadOptions options) {
  std::lock_guard lock(impl_->mutex);
  if (!options.free_memory) {
    if (options.device.device_type != 2) {
      throw Error(BRICK_ERR_UNSUPPORTED, "enable_auto_cpu_offload: device " + device_text(options.device) +
                                             " has no mem_get_info; pass a free-memory function");
    }
    if (!cuda_free_memory(options.device.device_id)) {
      throw Error(BRICK_ERR_UNSUPPORTED, "enable_auto_cpu_offload: no CUDA runtime or device " +
                                             device_text(options.device) + " to ask for free memory (mem_get_info)");
    }
    options.free_memory = [](brick_device d) {
      std::optional<int64_t> free = cuda_free_memory(d.device_id);
      return free ? *free : int64_t{0};
    };
  }
  if (!options.strategy) options.strategy = AutoOffloadStrategy(options.memory_reserve_margin);
  impl_->offload_options = std::move(options);
  impl_->offload = true;
  impl_->offload_all();
}

void ComponentsManager::disable_auto_cpu_offload() {
  std::lock_guard lock(impl_->mutex);
  if (!impl_->offload) return;
  impl_->offload_all();
  impl_->offload = false;
}

bool ComponentsManager::auto_offload_enabled() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->offload;
}

void ComponentsManager::set_offload_strategy(OffloadStrategy strategy) {
  std::lock_guard lock(impl_->mutex);
  impl_->offload_options.strategy = std::move(strategy);
}

void ComponentsManager::prepare_for_use(const Value& component) {
  std::lock_guard lock(impl_->mutex);
  if (!impl_->offload) return;
  std::shared_ptr<Object> model = model_of(component);
  if (!model) return;
  const Entry* self = nullptr;
  for (const Entry& e : impl_->entries) {
    if (e.component.is(component)) self = &e;
  }
  if (!self) return;
  const brick_device target = impl_->offload_options.device;
  if (same_device(model->device(), target)) return;
  std::vector<ResidentModel> resident;
  for (const Entry& e : impl_->entries) {
    if (&e == self) continue;
    auto other = model_of(e.component);
    if (other && same_device(other->device(), target)) resident.push_back({e.id, other->memory_footprint()});
  }
  std::vector<std::string> evict;
  if (!resident.empty()) {
    evict = impl_->offload_options.strategy(resident, self->id, model->memory_footprint(),
                                            impl_->offload_options.free_memory(target));
  }
  for (const std::string& id : evict) {
    if (Entry* e = impl_->find(id)) {
      if (auto other = model_of(e->component)) other->to(brick_device{1, 0});
    }
  }
  model->to(target);
}

}  // namespace brick::host
