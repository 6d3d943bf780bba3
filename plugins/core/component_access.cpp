#include "component_access.h"

namespace core {

brick::ComponentRef require_component(const brick::Components& components, const char* name, const char* block) {
  brick::ComponentRef component = components.get(name);
  if (!component.is_object()) {
    std::string message = block;
    message += " needs the '";
    message += name;
    message += "' component, but the pipeline has ";
    message += component.is_none() ? std::string("none loaded") : std::string("a ") + component.kind_name();
    message += " there";
    throw brick::Error(BRICK_ERR_NOT_FOUND, message);
  }
  return component;
}

brick::Value component_config(const brick::Components& components, const char* name, const char* block) {
  brick::Value config = require_component(components, name, block).call("config");
  if (!config.ref().is_none() && config.ref().kind() != BRICK_VALUE_DICT) {
    std::string message = block;
    message += ": ";
    message += name;
    message += ".config() returned a ";
    message += config.ref().kind_name();
    message += ", not a dict";
    throw brick::Error(BRICK_ERR_TYPE_MISMATCH, message);
  }
  return config;
}

at::Tensor tensor_result(const brick::Value& result, const char* name, const char* method) {
  brick::ValueRef r = result.ref();
  if (r.kind() == BRICK_VALUE_DICT && r["sample"].is_tensor()) return r["sample"].as<at::Tensor>();
  if (!r.is_tensor()) {
    std::string message = name;
    message += ".";
    message += method;
    message += " returned a ";
    message += r.kind_name();
    message += ", expected a Tensor";
    throw brick::Error(BRICK_ERR_TYPE_MISMATCH, message);
  }
  return r.as<at::Tensor>();
}

}  // namespace core
