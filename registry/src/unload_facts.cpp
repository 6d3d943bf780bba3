// read_unload_facts: the dynamic symbol table and DT_NEEDED entries of a
// plugin file, searched for the traps that make dlclose unsafe or a no-op
// (/work/shared reference: build-environment.md §4, T2-T4).
#include "brick/registry/unload_facts.h"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <string_view>
#include <vector>

namespace brick::registry {

namespace {

bool read_at(std::ifstream& in, uint64_t size, uint64_t offset, void* out, uint64_t count) {
  if (offset > size || count > size - offset) return false;
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(static_cast<char*>(out), static_cast<std::streamsize>(count));
  return static_cast<bool>(in);
}

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// Imports that register operators with the torch dispatcher (TORCH_LIBRARY,
// RegisterOperators): such a library cannot be loaded twice nor unloaded
// while the dispatcher holds its functions (pytorch#46171, #61111).
bool registers_torch_operators(std::string_view name) {
  return starts_with(name, "_ZN5torch7LibraryC") || starts_with(name, "_ZN5torch3jit17RegisterOperators") ||
         starts_with(name, "_ZN3c1017RegisterOperators") || starts_with(name, "_ZN3c1010Dispatcher11registerDef") ||
         starts_with(name, "_ZN3c1010Dispatcher12registerImpl");
}

}  // namespace

UnloadFacts read_unload_facts(const std::filesystem::path& path) {
  UnloadFacts facts;
  std::ifstream in(path, std::ios::binary);
  if (!in) return facts;
  in.seekg(0, std::ios::end);
  const uint64_t size = static_cast<uint64_t>(in.tellg());
  Elf64_Ehdr header{};
  if (!read_at(in, size, 0, &header, sizeof header) || std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 ||
      header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_shentsize != sizeof(Elf64_Shdr) || header.e_shnum == 0) {
    return facts;
  }
  std::vector<Elf64_Shdr> sections(header.e_shnum);
  if (!read_at(in, size, header.e_shoff, sections.data(), sections.size() * sizeof(Elf64_Shdr))) return facts;
  auto strings = [&](uint32_t index, std::vector<char>& out) {
    if (index >= sections.size()) return false;
    out.assign(sections[index].sh_size + 1, '\0');
    return read_at(in, size, sections[index].sh_offset, out.data(), sections[index].sh_size);
  };
  // CUDA kernels, whatever runtime registers them (a static cudart imports
  // nothing): the fatbinary sections nvcc emits.
  std::vector<char> section_names;
  if (strings(header.e_shstrndx, section_names)) {
    for (const Elf64_Shdr& section : sections) {
      if (section.sh_name >= section_names.size()) continue;
      std::string_view name(&section_names[section.sh_name]);
      if (name == ".nv_fatbin" || name == ".nvFatBinSegment") {
        facts.cuda_runtime = true;
        facts.cuda_detail = "CUDA kernels in " + std::string(name);
      }
    }
  }
  for (const Elf64_Shdr& section : sections) {
    std::vector<char> names;
    if (section.sh_type == SHT_DYNSYM && section.sh_entsize == sizeof(Elf64_Sym)) {
      if (!strings(section.sh_link, names)) return facts;
      std::vector<Elf64_Sym> symbols(section.sh_size / sizeof(Elf64_Sym));
      if (!read_at(in, size, section.sh_offset, symbols.data(), symbols.size() * sizeof(Elf64_Sym))) return facts;
      for (const Elf64_Sym& sym : symbols) {
        if (sym.st_name >= names.size()) continue;
        std::string_view name(&names[sym.st_name]);
        if (ELF64_ST_BIND(sym.st_info) == STB_GNU_UNIQUE) facts.gnu_unique = true;
        if (sym.st_shndx != SHN_UNDEF) continue;  // the rest are imports
        if (name == "__cxa_thread_atexit_impl" || name == "__cxa_thread_atexit") facts.thread_local_dtors = true;
        if (registers_torch_operators(name)) facts.torch_operators = true;
        if (name == "__cudaRegisterFatBinary" || name == "__cudaRegisterFatBinaryEnd") {
          facts.cuda_runtime = true;
          facts.cuda_detail = std::string(name);
        }
      }
    } else if (section.sh_type == SHT_DYNAMIC && section.sh_entsize == sizeof(Elf64_Dyn)) {
      if (!strings(section.sh_link, names)) return facts;
      std::vector<Elf64_Dyn> entries(section.sh_size / sizeof(Elf64_Dyn));
      if (!read_at(in, size, section.sh_offset, entries.data(), entries.size() * sizeof(Elf64_Dyn))) return facts;
      for (const Elf64_Dyn& entry : entries) {
        if (entry.d_tag != DT_NEEDED || entry.d_un.d_val >= names.size()) continue;
        std::string_view needed(&names[entry.d_un.d_val]);
        if (starts_with(needed, "libcudart")) {
          facts.cuda_runtime = true;
          facts.cuda_detail = std::string(needed);
        }
      }
    }
  }
  facts.readable = true;
  return facts;
}

std::string unload_blocker(const UnloadFacts& facts) {
  if (!facts.readable) return "its file's dynamic section could not be read";
  if (facts.torch_operators) return "it registers torch operators with the dispatcher (torch::Library)";
  if (facts.cuda_runtime) return "it links its own CUDA runtime or registers CUDA kernels (" + facts.cuda_detail + ")";
  if (facts.gnu_unique) return "it defines STB_GNU_UNIQUE symbols (build it with -fno-gnu-unique)";
  if (facts.thread_local_dtors) return "it has thread_local objects with destructors (__cxa_thread_atexit)";
  return {};
}

}  // namespace brick::registry
