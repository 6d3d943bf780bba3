// brick lock NAME... [-o FILE]: records the exact plugins (name, version,
// content hash) of the named plugins, blocks and pipeline files, for a host
// run with --lock to refuse any that changed.
#include <iostream>

#include "brick/host/base/error.h"
#include "brick/host/pipeline/target.h"
#include "brick/registry/lock_file.h"
#include "commands.h"

namespace brick::cli {

int lock_command(const LockOptions& options) {
  // Pipeline files add their plugin folders to the search and their plugins
  // to the names.
  host::PluginSearch search = options.search;
  std::vector<std::string> names;
  for (const std::string& name : options.names) {
    if (!host::is_pipeline_file(name)) {
      names.push_back(name);
      continue;
    }
    host::PipelineFile file = host::PipelineFile::read(name);
    search.dirs.insert(search.dirs.begin(), file.plugin_dirs().begin(), file.plugin_dirs().end());
    for (const std::string& plugin : file.plugin_names()) names.push_back(plugin);
  }
  registry::Registry registry = search.open_registry();
  registry::LockFile lock;
  std::error_code ec;
  // An existing lock file is updated, not replaced: locking a second
  // pipeline's plugins into the same file keeps the first's.
  if (std::filesystem::exists(options.output, ec)) lock = registry::LockFile::read(options.output);
  for (const std::string& name : names) {
    const registry::PluginRecord* plugin = registry.find_plugin(name);
    if (!plugin) {
      auto matches = registry.find_blocks(name);
      if (matches.size() > 1) {
        throw host::Error(BRICK_ERR_INVALID_ARGUMENT,
                          "block name '" + name + "' is provided by several plugins; name it as plugin.Block");
      }
      if (!matches.empty()) plugin = matches[0].plugin;
    }
    if (!plugin) {
      throw host::Error(BRICK_ERR_NOT_FOUND,
                        "cannot lock '" + name + "': no plugin or block of that name on the search path");
    }
    lock.add(*plugin);
  }
  lock.write(options.output);
  for (const registry::LockEntry& e : lock.entries()) {
    std::cout << "locked " << e.name << " " << e.version << " " << e.hash << "  " << e.path.string() << "\n";
  }
  std::cout << "wrote " << options.output << "\n";
  return 0;
}

}  // namespace brick::cli
