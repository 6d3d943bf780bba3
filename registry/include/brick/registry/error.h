// The one exception type of the registry: a message naming the file, plugin
// or requirement at fault. libbrick's host layer turns it into its own
// errors where it crosses into host code.
#pragma once

#include <stdexcept>
#include <string>

namespace brick::registry {

class RegistryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace brick::registry
