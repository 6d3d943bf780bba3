// Reading a plugin's ABI tag straight from its file, without opening it: the
// loader refuses a plugin built for another ABI before any of its code runs
// (static initialisers included), and the registry can tell whether a file
// fits this host without loading it.
#pragma once

#include <filesystem>
#include <string>

#include "brick/brick_abi.h"

namespace brick::registry {

struct AbiTagProbe {
  enum class Result {
    Found,        // tag holds the file's ABI tag (not yet checked)
    NoTag,        // an ELF shared object for this machine without the tag symbol
    Unreadable,   // not a shared object this host can load; reason says why
    NoSections,   // no section headers (stripped hard); check after opening
  };
  Result result = Result::Unreadable;
  brick_abi_tag tag{};
  std::string reason;
};

AbiTagProbe read_abi_tag(const std::filesystem::path& path);

}  // namespace brick::registry
