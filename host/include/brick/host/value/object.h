// brick::host::Object: a component that is neither a scalar, a container nor
// a tensor: a model, a scheduler, a guider, a plugin component instance, a
// dict of weights read from safetensors, a TorchScript module. Values hold it
// by shared_ptr (Value::Kind::Object), so copies keep its identity, as a
// Python object does.
//
// This header does not include LibTorch: models report sizes and move between
// devices through virtual functions that the LibTorch-aware derived classes
// implement in their own files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "brick/brick_abi.h"
#include "brick/host/value/value.h"

namespace brick::host {

class Object {
 public:
  virtual ~Object() = default;

  // The class name diffusers records in the modular index (e.g.
  // "UNet2DConditionModel") and the library it comes from ("brick", the name
  // of the plugin that exports the type, ...).
  virtual std::string class_name() const = 0;
  virtual std::string library() const { return "brick"; }
  // The plugin generation that made the object (an opaque identity the
  // loader compares, docs/hot-reload.md), and its version; nullptr and ""
  // for host objects.
  virtual const void* origin() const { return nullptr; }
  virtual std::string origin_version() const { return {}; }

  // A model holds parameters that live on a device (an nn.Module in
  // diffusers): the ComponentsManager sizes and offloads only models.
  virtual bool is_model() const { return false; }
  // Bytes of the parameters and buffers (get_memory_footprint()).
  virtual int64_t memory_footprint() const { return 0; }
  virtual brick_device device() const { return brick_device{1, 0}; }
  // dtype as torch prints it ("torch.float16"), or "" for non-models.
  virtual std::string dtype() const { return {}; }
  // Moves the parameters (models only; others ignore it).
  virtual void to(brick_device /*device*/) {}

  // The config it was created from (ConfigMixin's config), a dict or None:
  // what from_component puts in a from_config spec.
  virtual Value config() const { return Value(); }

  // Calls a method of the object by name, as a block does through the ABI's
  // component_call: args is a list (positional) or a dict (keywords), the
  // result a value. Throws Error(BRICK_ERR_UNKNOWN_METHOD) for a method the
  // object lacks.
  virtual Value call(std::string_view method, const Value& args);

  // Writes the object into a folder a later load reads back (diffusers'
  // save_pretrained of the component). Throws Error(BRICK_ERR_UNSUPPORTED)
  // when the type cannot be saved.
  virtual void save(const std::filesystem::path& folder) const;

  // Python's repr, e.g. "<brick.SafetensorsWeights: 3 tensors>".
  virtual std::string repr() const;

  // diffusers' `_diffusers_load_id` tag: the load_id of the spec the object
  // was loaded from ("null" when created from a config; "" never tagged).
  const std::string& load_id() const { return load_id_; }
  void set_load_id(std::string load_id) { load_id_ = std::move(load_id); }

 private:
  std::string load_id_;
};

}  // namespace brick::host
