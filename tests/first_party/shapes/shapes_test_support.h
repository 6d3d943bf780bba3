// The shapes suites' common ground: one host with the built shapes plugin
// (and core, when this tree builds it), components created through it, and
// calls by method name as blocks make them.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "brick/host/components/component_types.h"
#include "brick/host/loader/host.h"
#include "brick/host/value/object.h"
#include "brick/host/value/value.h"

namespace shapes_test {

using brick::host::Object;
using brick::host::Value;

// Never destroyed: plugins stay resident, and a static Host would outlive
// their descriptors at exit (tests/components does the same).
inline brick::host::Host& host() {
  static brick::host::Host* h = [] {
    auto* made = new brick::host::Host();
    made->load_plugin(SHAPES_PLUGIN);
#ifdef CORE_PLUGIN
    made->load_plugin(CORE_PLUGIN);
#endif
    return made;
  }();
  return *h;
}

inline std::shared_ptr<Object> create(const std::string& type, Value config = Value::dict({})) {
  brick::host::ComponentSpec spec;
  spec.name = "component";
  spec.type_hint = "shapes." + type;
  spec.config = std::move(config);
  spec.default_creation_method = brick::host::CreationMethod::FromConfig;
  return host().component_types()->create(spec);
}

inline Value call(const std::shared_ptr<Object>& object, const std::string& method, Value::Dict kwargs = {}) {
  return object->call(method, Value::dict(std::move(kwargs)));
}

inline at::Tensor tensor(const Value& v) { return v.as_tensor(); }

// The default vocabulary's slots.
enum Slot : int64_t { kRed, kGreen, kBlue, kYellow, kCircle, kSquare, kTriangle, kSlots };

}  // namespace shapes_test
