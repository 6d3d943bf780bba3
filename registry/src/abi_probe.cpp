#include "brick/registry/abi_probe.h"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <vector>

namespace brick::registry {

namespace {

#if defined(__x86_64__)
constexpr uint16_t kHostMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr uint16_t kHostMachine = EM_AARCH64;
#else
constexpr uint16_t kHostMachine = EM_NONE;
#endif

class File {
 public:
  explicit File(const std::filesystem::path& path) : in_(path, std::ios::binary) {
    if (in_) {
      in_.seekg(0, std::ios::end);
      size_ = static_cast<uint64_t>(in_.tellg());
    }
  }
  bool ok() const { return static_cast<bool>(in_); }
  uint64_t size() const { return size_; }
  bool read(uint64_t offset, void* out, uint64_t count) {
    if (offset > size_ || count > size_ - offset) return false;
    in_.seekg(static_cast<std::streamoff>(offset));
    in_.read(static_cast<char*>(out), static_cast<std::streamsize>(count));
    return static_cast<bool>(in_);
  }

 private:
  std::ifstream in_;
  uint64_t size_ = 0;
};

AbiTagProbe unreadable(std::string reason) {
  AbiTagProbe probe;
  probe.result = AbiTagProbe::Result::Unreadable;
  probe.reason = std::move(reason);
  return probe;
}

}  // namespace

AbiTagProbe read_abi_tag(const std::filesystem::path& path) {
  File file(path);
  if (!file.ok()) return unreadable("cannot be read");

  Elf64_Ehdr header{};
  if (file.size() < EI_NIDENT || !file.read(0, header.e_ident, EI_NIDENT) ||
      std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0) {
    return unreadable("is not a shared object (no ELF header)");
  }
  if (header.e_ident[EI_CLASS] != ELFCLASS64) return unreadable("is a 32-bit ELF file; this host is 64-bit");
  if (header.e_ident[EI_DATA] != ELFDATA2LSB) return unreadable("is a big-endian ELF file");
  if (!file.read(0, &header, sizeof header)) return unreadable("is a truncated ELF file");
  if (header.e_type != ET_DYN) {
    return unreadable("is an ELF file but not a shared object (type " + std::to_string(header.e_type) + ")");
  }
  if (header.e_machine != kHostMachine) {
    return unreadable("was built for another machine architecture (ELF machine " +
                      std::to_string(header.e_machine) + ")");
  }
  if (header.e_shoff == 0 || header.e_shnum == 0 || header.e_shentsize != sizeof(Elf64_Shdr)) {
    AbiTagProbe probe;
    probe.result = AbiTagProbe::Result::NoSections;
    return probe;
  }

  std::vector<Elf64_Shdr> sections(header.e_shnum);
  if (!file.read(header.e_shoff, sections.data(), sections.size() * sizeof(Elf64_Shdr))) {
    return unreadable("is a truncated ELF file (section headers)");
  }
  for (const Elf64_Shdr& symtab : sections) {
    if (symtab.sh_type != SHT_DYNSYM || symtab.sh_entsize != sizeof(Elf64_Sym)) continue;
    if (symtab.sh_link >= sections.size()) return unreadable("has a malformed symbol table");
    const Elf64_Shdr& strtab = sections[symtab.sh_link];
    std::vector<char> names(strtab.sh_size + 1, '\0');
    if (!file.read(strtab.sh_offset, names.data(), strtab.sh_size)) return unreadable("is a truncated ELF file");
    std::vector<Elf64_Sym> symbols(symtab.sh_size / sizeof(Elf64_Sym));
    if (!file.read(symtab.sh_offset, symbols.data(), symbols.size() * sizeof(Elf64_Sym))) {
      return unreadable("is a truncated ELF file (symbols)");
    }
    for (const Elf64_Sym& sym : symbols) {
      if (sym.st_name >= strtab.sh_size || std::strcmp(&names[sym.st_name], BRICK_ABI_TAG_SYMBOL) != 0) continue;
      if (sym.st_shndx == SHN_UNDEF || sym.st_shndx >= sections.size()) continue;
      if (sym.st_size < sizeof(brick_abi_tag)) return unreadable("has an ABI tag of the wrong size");
      const Elf64_Shdr& holder = sections[sym.st_shndx];
      AbiTagProbe probe;
      probe.result = AbiTagProbe::Result::Found;
      if (holder.sh_type == SHT_NOBITS) return probe;  // zero-initialised: no magic
      if (sym.st_value < holder.sh_addr || !file.read(holder.sh_offset + (sym.st_value - holder.sh_addr), &probe.tag,
                                                       sizeof probe.tag)) {
        return unreadable("has an ABI tag outside its section");
      }
      return probe;
    }
  }
  AbiTagProbe probe;
  probe.result = AbiTagProbe::Result::NoTag;
  return probe;
}

}  // namespace brick::registry
