// What the registry knows about one plugin file without loading it: the
// plain record the metadata cache keeps and the scanner reports. Block
// declarations are kept as JSON text (docs/registry.md gives the schema); the
// host converts them into its params (brick/host/loader/registry.h), so this layer
// needs neither host headers nor LibTorch.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace brick::registry {

struct BlockRecord {
  std::string name;         // the class name inside its plugin ("Affine")
  std::string description;  // the one line of the block class
  // The declaration of an instance made without constructor arguments, as a
  // JSON object; "" when the block cannot be made without them (then
  // declaration_error says why).
  std::string declaration_json;
  std::string declaration_error;
  // The block's doc exactly as its real instance prints it (composites print
  // more than their merged declaration says); "" when not known.
  std::string doc;
};

struct PluginRecord {
  // Facts about the file (what invalidates the record).
  std::filesystem::path path;  // canonical
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  std::string hash;  // hash_text(file_content_hash(path))

  // Bad: the file is not a usable plugin (refused by the loader, or the
  // scanner crashed, aborted or hung on it); `reason` says why. Remembered
  // until the file changes.
  bool bad = false;
  std::string reason;

  // What the plugin declares (empty for a bad one).
  std::string abi;  // "1.0"
  std::string name, version, description, torch_fingerprint;
  std::vector<BlockRecord> blocks;
  // Component types the plugin provides (issue 4): a JSON array, kept as is.
  std::string component_types_json = "[]";

  const BlockRecord* find_block(std::string_view block) const;
};

// One record as JSON text (one line), the form of a cache entry and of a
// scanner's report.
std::string record_to_json(const PluginRecord& record);
// Throws RegistryError naming what is missing or malformed.
PluginRecord record_from_json(std::string_view text);

}  // namespace brick::registry
