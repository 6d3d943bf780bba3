// What a plugin file's dynamic section says about unloading it safely
// (docs/hot-reload.md, "What makes a plugin unloadable"): read from the ELF
// file, without opening it, so the loader can choose RTLD_NODELETE before
// dlopen and `brick inspect` can say why a plugin stays resident.
#pragma once

#include <filesystem>
#include <string>

namespace brick::registry {

struct UnloadFacts {
  bool readable = false;            // false: the file could not be parsed (treated as not unloadable)
  bool gnu_unique = false;          // defines an STB_GNU_UNIQUE symbol: glibc never unmaps it
  bool thread_local_dtors = false;  // imports __cxa_thread_atexit(_impl): TLS destructors pin it
  bool torch_operators = false;     // imports torch::Library / operator registration
  bool cuda_runtime = false;        // needs libcudart, or registers CUDA fatbinaries
  std::string cuda_detail;          // which: "libcudart.so.12", "__cudaRegisterFatBinary"
};

// Never throws; an unreadable file gives readable == false.
UnloadFacts read_unload_facts(const std::filesystem::path& path);

// Why such a file must stay resident ("" when nothing in it forbids unloading).
std::string unload_blocker(const UnloadFacts& facts);

}  // namespace brick::registry
