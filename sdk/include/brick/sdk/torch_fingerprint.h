// BRICK_TORCH_FINGERPRINT: the LibTorch build a translation unit is compiled
// against. Host and plugins compare it to decide whether they share one
// LibTorch C++ ABI (see "Native tensor exchange" in brick_abi.h).
#pragma once

#include <cstddef>  // defines _GLIBCXX_USE_CXX11_ABI

#include <torch/version.h>

#define BRICK_STRINGIFY_IMPL(x) #x
#define BRICK_STRINGIFY(x) BRICK_STRINGIFY_IMPL(x)

#define BRICK_TORCH_FINGERPRINT \
  "torch=" TORCH_VERSION ";cxx11abi=" BRICK_STRINGIFY(_GLIBCXX_USE_CXX11_ABI)
