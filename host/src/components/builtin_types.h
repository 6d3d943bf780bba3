// The names of the host's own component types, and the hook that registers
// the TorchScript loader (kept in its own translation unit: <torch/script.h>
// is costly to compile).
#pragma once

#include <filesystem>

namespace brick::host {
class ComponentTypes;
class Value;
}

namespace brick::host::detail {

inline constexpr const char* kSafetensorsType = "brick.SafetensorsWeights";
inline constexpr const char* kTorchScriptType = "brick.TorchScriptModule";

void add_torchscript_type(ComponentTypes& types);

// A component folder's config: config.json, else scheduler_config.json
// (diffusers' name for schedulers). Must hold a JSON object.
Value read_component_config(const std::filesystem::path& folder);

}  // namespace brick::host::detail
