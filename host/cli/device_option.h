// --device: "cpu", "cuda" or "cuda:N", as torch spells devices.
#pragma once

#include <string>

#include "brick/brick_abi.h"

namespace brick::cli {

// Parses the name and checks that this process can run there (a CUDA device
// needs a LibTorch built with CUDA and a visible GPU); errors say which.
brick_device parse_device(const std::string& name);

}  // namespace brick::cli
