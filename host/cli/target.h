// What run, doc and graph work on: one block ("plugin.Block") or a pipeline
// file, with the plugins it needs loaded.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "brick/host/host.h"
#include "brick/host/pipeline_file.h"
#include "plugin_search.h"

namespace brick::cli {

struct Target {
  std::unique_ptr<host::Host> host = std::make_unique<host::Host>();
  std::optional<host::PipelineFile> file;  // when the target is a file
  std::string block;                       // when it is plugin.Block

  // A pipeline over the target, pruned to `workflow` when one is named.
  host::ModularPipeline init_pipeline(const std::string& workflow) const;
  // The target's blocks (pruned likewise).
  host::BlockPtr blocks(const std::string& workflow) const;
};

// Whether `target` names a pipeline file (ends in .json, or is a file).
bool is_pipeline_file(const std::string& target);

// A file path (anything ending in .json, or an existing file) or a block
// name. The plugins come from the registry over the file's plugin folders
// and the search path: a library is opened on the first use of one of its
// blocks, so only the plugins the target uses are loaded. A file's
// "requires" are checked against the versions found (an Error listing every
// unmet one). `lock`, when given, is a lock file: a plugin it lists whose
// content changed is refused.
Target open_target(const std::string& target, const PluginSearch& search, const std::string& lock = {});

}  // namespace brick::cli
