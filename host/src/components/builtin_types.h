// The names of the host's own component types, and the hook that registers
// the TorchScript loader (kept in its own translation unit: <torch/script.h>
// is costly to compile).
#pragma once

namespace brick::host {
class ComponentTypes;
}

namespace brick::host::detail {

inline constexpr const char* kSafetensorsType = "brick.SafetensorsWeights";
inline constexpr const char* kTorchScriptType = "brick.TorchScriptModule";

void add_torchscript_type(ComponentTypes& types);

}  // namespace brick::host::detail
