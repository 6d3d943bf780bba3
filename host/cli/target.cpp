#include "target.h"

#include <filesystem>

#include "brick/host/error.h"

namespace brick::cli {

namespace {
bool is_file_target(const std::string& target) {
  std::error_code ec;
  return (target.size() > 5 && target.compare(target.size() - 5, 5, ".json") == 0) ||
         std::filesystem::is_regular_file(target, ec);
}
}  // namespace

Target open_target(const std::string& target, const PluginSearch& search) {
  Target t;
  if (is_file_target(target)) {
    t.file = host::PipelineFile::read(target);
    // The file's own plugin folders first, then the search path. Composite
    // blocks may use any plugin, so every plugin found is loaded; failures
    // are reported and the others load.
    PluginSearch with_file = search;
    with_file.dirs.insert(with_file.dirs.begin(), t.file->plugin_dirs().begin(), t.file->plugin_dirs().end());
    with_file.load_all(*t.host);
    return t;
  }
  size_t dot = target.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == target.size()) {
    throw host::Error(BRICK_ERR_INVALID_ARGUMENT,
                      "expected a block named plugin.Block or a pipeline file (.json), got '" + target + "'");
  }
  search.load_for(*t.host, target.substr(0, dot));
  t.block = target;
  return t;
}

host::BlockPtr Target::blocks(const std::string& workflow) const {
  host::BlockPtr blocks = file ? file->build_blocks(*host) : host->create_block(block);
  return workflow.empty() ? std::move(blocks) : blocks->get_workflow(workflow);
}

host::ModularPipeline Target::init_pipeline(const std::string& workflow) const {
  if (file) return file->init_pipeline(*host, workflow);
  return host::ModularPipeline(blocks(workflow));
}

}  // namespace brick::cli
