#include "device_option.h"

#include <ATen/Context.h>

#include <cstdlib>

#include "brick/host/error.h"

namespace brick::cli {

brick_device parse_device(const std::string& name) {
  if (name == "cpu") return brick_device{1, 0};
  int index = 0;
  if (name.rfind("cuda", 0) != 0 ||
      (name.size() > 4 && (name[4] != ':' || name.size() == 5 ||
                           name.find_first_not_of("0123456789", 5) != std::string::npos))) {
    std::string message = "--device: expected cpu, cuda or cuda:N, got '";
    message += name + "'";
    throw host::Error(BRICK_ERR_INVALID_ARGUMENT, message);
  }
  if (name.size() > 5) index = std::atoi(name.c_str() + 5);
  if (!at::hasCUDA()) {
    throw host::Error(BRICK_ERR_UNSUPPORTED,
                      "--device " + name +
                          ": no CUDA device is usable here (this LibTorch has no CUDA, or no GPU is visible; Debian's "
                          "LibTorch is CPU-only: build brick against a CUDA LibTorch, docs/building.md)");
  }
  return brick_device{2, index};
}

}  // namespace brick::cli
