// PipelineState: the values a pipeline run shares between its blocks, plus
// the kwargs tags that let nameless kwargs inputs find them (diffusers v0.40:
// one `values` dict and a `kwargs_mapping`).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "brick/host/value/value.h"

namespace brick::host {

class PipelineState {
 public:
  // A key whose hash is computed once: blocks look their declared names up on
  // every run. `name` must outlive the key.
  struct Key {
    std::string_view name;
    size_t hash;
    explicit Key(std::string_view n) : name(n), hash(std::hash<std::string_view>{}(n)) {}
  };

  // values[key] = value; a kwargs_type appends key to kwargs_mapping[kwargs_type]
  // (duplicates included, tags are never removed), exactly as diffusers does.
  void set(std::string_view key, Value value, std::string_view kwargs_type = {});

  // get(key, default): the value, or the default when absent.
  Value get(std::string_view key, const Value& default_value = {}) const;
  // get([keys], default): {key: value} over the keys, in their order.
  Value::Dict get(const std::vector<std::string>& keys, const Value& default_value = {}) const;
  // Every value tagged with kwargs_type, duplicates collapsed.
  Value::Dict get_by_kwargs(std::string_view kwargs_type) const;

  const Value* find(std::string_view key) const { return find(Key(key)); }
  const Value* find(const Key& key) const;
  bool contains(std::string_view key) const { return find(key) != nullptr; }
  void set(const Key& key, Value value, std::string_view kwargs_type = {});

  const Value::Dict& values() const { return values_; }
  const std::vector<std::pair<std::string, std::vector<std::string>>>& kwargs_mapping() const {
    return kwargs_mapping_;
  }

  // A copy whose tensors are cloned: ModularPipeline never mutates a state it
  // was given (diffusers deep-copies it).
  PipelineState deep_copy() const;

  std::string repr() const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    size_t operator()(const Key& k) const noexcept { return k.hash; }
  };
  struct Equal {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const noexcept { return a == b; }
    bool operator()(const Key& a, std::string_view b) const noexcept { return a.name == b; }
    bool operator()(std::string_view a, const Key& b) const noexcept { return a == b.name; }
  };
  Value::Dict values_;
  std::unordered_map<std::string, size_t, Hash, Equal> index_;
  std::vector<std::pair<std::string, std::vector<std::string>>> kwargs_mapping_;
};

}  // namespace brick::host
