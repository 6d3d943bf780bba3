// Devices as torch spells them ("cpu", "cuda", "cuda:1"), for hosts that take
// a device from a user: brick_device is DLPack's (type, index) pair, what
// ModularPipeline::to and Components::device() use.
#pragma once

#include <string>
#include <string_view>

#include "brick/brick_abi.h"

namespace brick::host {

// "cpu", "cuda" (device 0) or "cuda:N". Throws Error(BRICK_ERR_INVALID_ARGUMENT)
// naming the text otherwise. Does not check that the device exists.
brick_device parse_device(std::string_view name);
// Throws Error(BRICK_ERR_UNSUPPORTED) saying why this process cannot run on
// `device` (a LibTorch without CUDA, no visible GPU, an index past the last
// GPU); returns quietly for the CPU and a usable GPU.
void check_device(brick_device device);
// "cpu", "cuda:0"; other DLPack types print as "device_type:N".
std::string device_name(brick_device device);

}  // namespace brick::host
