// Reaching a pipeline component from a core block: fails with a message
// naming the block when the component is not loaded, and reads a model's
// config through its config() method (how another plugin's model exposes
// in_channels, sample_size, scaling_factor).
#pragma once

#include <brick/sdk.h>

#include <string>

namespace core {

brick::ComponentRef require_component(const brick::Components& components, const char* name, const char* block);

// The dict component.config() returns (None when it answers no config).
brick::Value component_config(const brick::Components& components, const char* name, const char* block);

// A method's tensor result (models may also return a dict with "sample").
at::Tensor tensor_result(const brick::Value& result, const char* name, const char* method);

}  // namespace core
