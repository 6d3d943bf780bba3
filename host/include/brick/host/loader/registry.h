// The host's side of the registry (brick/registry/*.h): this host's
// fingerprint, registry options with this host's defaults, and the
// conversions between a block's declaration and the JSON the metadata cache
// keeps. With these a host lists blocks and prints their doc from the cache
// without opening a plugin library (Host::use_registry).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "brick/host/blocks/block_factory.h"
#include "brick/host/blocks/blocks.h"
#include "brick/host/plugin/plugin.h"
#include "brick/registry/fingerprint.h"
#include "brick/registry/plugin_record.h"
#include "brick/registry/registry.h"

namespace brick::host {

// SDK ABI, LibTorch version, CUDA major and C++ library ABI of this host.
registry::HostFingerprint host_fingerprint();

// Options for a registry over `dirs` (in precedence order; usually
// registry::plugin_search_path(given)) and single `files`: this host's
// fingerprint, the default cache file (registry::default_cache_path), the
// scanner beside libbrick.
registry::RegistryOptions registry_options(std::vector<std::filesystem::path> dirs,
                                           std::vector<std::filesystem::path> files = {});

// A block's declaration as the cache keeps it (a JSON object: name,
// description, model_name, inputs, intermediate_inputs,
// intermediate_outputs, expected_components, expected_configs).
std::string declaration_json(const ModularPipelineBlocks& block);

// A block made from a cached declaration: it answers every declaration
// question (inputs, outputs, doc, ...) but cannot run; running it needs the
// real block (Host::create_block). `doc`, when given, is the real block's doc
// text, returned as is. Throws Error naming `qualified_name` when the JSON is
// malformed.
std::unique_ptr<ModularPipelineBlocks> declared_block(const std::string& declaration_json,
                                                      const std::string& qualified_name, const std::string& doc = {});

// The record of a loaded plugin, as the scanner reports it (file facts not
// filled in). `factory` gives composite blocks their sub-blocks.
registry::PluginRecord plugin_record(const Plugin& plugin, const BlockFactory* factory = nullptr);

// The component types a plugin record lists: {"plugin.Name", description}.
std::vector<std::pair<std::string, std::string>> component_types_of(const registry::PluginRecord& record);

}  // namespace brick::host
