// brick inspect PLUGIN: a plugin's metadata, then the doc of each block.
#include <iostream>

#include "brick/host/error.h"
#include "commands.h"

namespace brick::cli {

int inspect_command(const InspectOptions& options) {
  host::Host host;
  std::error_code ec;
  std::shared_ptr<host::Plugin> plugin;
  if (std::filesystem::is_regular_file(options.plugin, ec)) {
    plugin = host.load_plugin(options.plugin);
  } else {
    options.search.load_for(host, options.plugin);
    plugin = host.find_plugin(options.plugin);
    if (!plugin) {
      throw host::Error(BRICK_ERR_NOT_FOUND, "no plugin named '" + options.plugin +
                                                 "' on the search path; give a plugin file or set BRICK_PLUGIN_PATH");
    }
  }

  std::cout << "Plugin " << plugin->name() << " " << plugin->version() << "\n"
            << "  file:        " << plugin->path().string() << "\n"
            << "  brick ABI:   " << plugin->abi().str() << " (host " << host::kHostAbi.str() << ")\n"
            << "  LibTorch:    " << (plugin->torch_fingerprint().empty() ? "none (portable plugin)"
                                                                           : plugin->torch_fingerprint())
            << "\n";
  if (!plugin->description().empty()) std::cout << "  description: " << plugin->description() << "\n";
  std::cout << "  blocks:      " << plugin->block_classes().size() << "\n";
  for (const host::BlockClass& cls : plugin->block_classes()) {
    std::cout << "\n" << cls.qualified_name() << "\n\n";
    try {
      std::cout << cls.create()->doc() << "\n";
    } catch (const host::Error& e) {
      // A block that needs constructor arguments cannot be shown unconfigured.
      std::cout << "  (no doc: " << e.what() << ")\n";
    }
  }
  return 0;
}

}  // namespace brick::cli
