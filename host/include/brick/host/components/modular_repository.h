// Modular repositories: a local folder holding modular_model_index.json in
// diffusers' exact format (json.dumps(indent=2, sort_keys=True) plus a
// trailing newline) and one subfolder per saved component.
//
//   {
//     "_blocks_class_name": "MyBlocks",
//     "_class_name": "ModularPipeline",
//     "_diffusers_version": "0.40.0",
//     "guidance_scale": 7.5,                       <- a config spec's value
//     "unet": [                                    <- a from_pretrained component
//       "brick",                                   <- library of the loaded object, or null
//       "SafetensorsWeights",                      <- its class, or null
//       {"pretrained_model_name_or_path": "/models/x", "revision": null,
//        "subfolder": "unet", "type_hint": ["brick", "SafetensorsWeights"], "variant": null}
//     ]
//   }
//
// Nothing is fetched from a network: paths must be local folders.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "brick/host/params/params.h"
#include "brick/host/value/value.h"

namespace brick::host {

inline constexpr const char* kModularModelIndexFile = "modular_model_index.json";
inline constexpr const char* kModelIndexFile = "model_index.json";
// The diffusers release whose format brick writes.
inline constexpr const char* kDiffusersFormatVersion = "0.40.0";

struct ModularIndexEntry {
  std::optional<std::string> library;     // of the loaded object; nullopt when not loaded
  std::optional<std::string> class_name;  // likewise
  ComponentSpec spec;                     // from_pretrained, with the four loading fields and type_hint
};

struct ModularModelIndex {
  std::string class_name = "ModularPipeline";               // "_class_name"
  std::string diffusers_version = kDiffusersFormatVersion;  // "_diffusers_version"
  std::optional<std::string> blocks_class_name;             // "_blocks_class_name" (null allowed)
  // Every other key, in the order read: 3-element lists [lib, cls, {spec}] are
  // components, the rest config values (and keys no spec knows, which a
  // pipeline keeps so that a round trip loses nothing).
  std::vector<std::pair<std::string, ModularIndexEntry>> components;
  Value::Dict configs;
};

// Python's json.dumps(value, indent=2, sort_keys=True) (ensure_ascii: non-ASCII
// text is written as \uXXXX escapes). Tensors and objects cannot be written.
std::string python_json_dumps(const Value& value);

// Reads <folder>/modular_model_index.json (or the file itself when given a
// file). Throws Error naming the file on missing files and malformed entries.
ModularModelIndex read_modular_model_index(const std::filesystem::path& path);
// The file's text: python_json_dumps of the index plus "\n".
std::string modular_model_index_text(const ModularModelIndex& index);
// Writes <folder>/modular_model_index.json, creating the folder.
void write_modular_model_index(const std::filesystem::path& folder, const ModularModelIndex& index);

// Reads a standard <folder>/model_index.json: [library, class] entries become
// from_pretrained specs with path = folder and subfolder = the key; the other
// keys (not starting with '_') become config values.
ModularModelIndex read_model_index(const std::filesystem::path& folder);

// Throws Error(BRICK_ERR_NOT_FOUND) unless `path` is an existing local folder.
void require_local_folder(const std::filesystem::path& path, std::string_view what);

}  // namespace brick::host
