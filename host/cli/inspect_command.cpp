// brick inspect [NAME] [--json] [--bad]: what plugins and blocks exist, from
// the registry (no plugin library is opened for it), or one plugin's
// metadata and its blocks' docs, or one block's doc.
#include <iomanip>
#include <iostream>
#include <sstream>

#include "brick/host/base/error.h"
#include "brick/host/loader/registry.h"
#include "brick/host/value/json.h"
#include "brick/registry/unload_facts.h"
#include "commands.h"

namespace brick::cli {

namespace {

std::string quoted(const std::string& text) { return host::to_json(host::Value(text)); }

template <class T, class F>
std::string json_list(const std::vector<T>& items, F&& item_json) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ",";
    out += item_json(items[i]);
  }
  return out + "]";
}

std::string block_doc(const host::Host& host, const std::string& qualified_name) {
  try {
    return host.describe_block(qualified_name)->doc();
  } catch (const host::Error& e) {
    // A block that needs constructor arguments cannot be shown unconfigured.
    return std::string("  (no doc: ") + e.what() + ")";
  }
}

// Whether a hot reload may dlclose an old generation of it (docs/hot-reload.md),
// and why not: from the loaded plugin, else from its file alone.
std::string unloadable_text(const registry::PluginRecord& p, const host::Host& host) {
  if (std::shared_ptr<host::Plugin> plugin = host.find_plugin(p.name)) {
    return plugin->unloadable() ? "yes (an old generation is dlclose'd after a hot reload)"
                                : "no, stays resident: " + plugin->resident_reason();
  }
  std::string blocker = registry::unload_blocker(registry::read_unload_facts(p.path));
  if (!blocker.empty()) return "no, stays resident: " + blocker;
  return "if it declares itself unloadable (known once loaded)";
}

void print_plugin(const registry::PluginRecord& p, const host::Host& host) {
  std::cout << "Plugin " << p.name << " " << p.version << "\n"
            << "  file:        " << p.path.string() << "\n"
            << "  brick ABI:   " << p.abi << " (host " << host::kHostAbi.str() << ")\n"
            << "  LibTorch:    " << (p.torch_fingerprint.empty() ? "none (portable plugin)" : p.torch_fingerprint)
            << "\n";
  if (!p.description.empty()) std::cout << "  description: " << p.description << "\n";
  if (!p.hash.empty()) std::cout << "  hash:        " << p.hash << "\n";
  std::cout << "  unloadable:  " << unloadable_text(p, host) << "\n";
  std::vector<std::pair<std::string, std::string>> types = host::component_types_of(p);
  std::cout << "  blocks:      " << p.blocks.size() << "\n";
  if (!types.empty()) {
    std::cout << "  component types:\n";
    for (const auto& [name, description] : types) {
      std::cout << "    " << std::left << std::setw(40) << name << " " << description << "\n";
    }
  }
  for (const registry::BlockRecord& b : p.blocks) {
    std::string name = p.name + "." + b.name;
    std::cout << "\n" << name << "\n\n" << block_doc(host, name) << "\n";
  }
}

std::string bad_json(const registry::PluginRecord& r) {
  return "{\"path\":" + quoted(r.path.string()) + ",\"reason\":" + quoted(r.reason) + "}";
}

int list_bad(const registry::Registry& registry, bool json) {
  if (json) {
    std::cout << json_list(registry.bad_plugins(), bad_json) << "\n";
    return 0;
  }
  if (registry.bad_plugins().empty()) std::cout << "No bad plugin files.\n";
  for (const registry::PluginRecord& r : registry.bad_plugins()) {
    std::cout << r.path.string() << "\n  " << r.reason << "\n";
  }
  return 0;
}

// One plugin: as JSON for machines, else its metadata and every block's doc.
int show_plugin(const registry::PluginRecord& record, const host::Host& host, bool json) {
  if (json) {
    std::cout << registry::record_to_json(record) << "\n";
  } else {
    print_plugin(record, host);
  }
  return 0;
}

int list_all(const registry::Registry& registry, bool json) {
  if (json) {
    auto record = [](const registry::PluginRecord& r) { return registry::record_to_json(r); };
    auto conflict = [](const registry::Registry::Conflict& c) {
      return "{\"plugin\":" + quoted(c.plugin) + ",\"used\":" + quoted(c.used.string()) +
             ",\"ignored\":" + quoted(c.ignored.string()) + "}";
    };
    std::cout << "{\"plugins\":" << json_list(registry.plugins(), record)
              << ",\"bad\":" << json_list(registry.bad_plugins(), bad_json)
              << ",\"conflicts\":" << json_list(registry.conflicts(), conflict)
              << ",\"warnings\":" << json_list(registry.warnings(), quoted) << "}\n";
    return 0;
  }
  size_t blocks = 0;
  for (const registry::PluginRecord& p : registry.plugins()) {
    std::cout << p.name << " " << p.version << "  " << p.path.string() << "\n";
    for (const registry::BlockRecord& b : p.blocks) {
      std::cout << "  " << std::left << std::setw(32) << (p.name + "." + b.name) << " " << b.description << "\n";
      ++blocks;
    }
  }
  std::cout << registry.plugins().size() << " plugins, " << blocks << " blocks";
  if (!registry.bad_plugins().empty()) {
    std::cout << "; " << registry.bad_plugins().size() << " bad plugin files (brick inspect --bad)";
  }
  std::cout << "\n";
  return 0;
}

int print_block(const registry::Registry::BlockMatch& match, const host::Host& host, bool json) {
  std::string name = match.qualified_name();
  if (json) {
    std::cout << "{\"block\":" << quoted(name) << ",\"plugin\":" << quoted(match.plugin->name)
              << ",\"version\":" << quoted(match.plugin->version) << ",\"file\":" << quoted(match.plugin->path.string())
              << ",\"description\":" << quoted(match.block->description) << ",\"declaration\":"
              << (match.block->declaration_json.empty() ? std::string("null") : match.block->declaration_json);
    if (!match.block->declaration_error.empty()) {
      std::cout << ",\"declaration_error\":" << quoted(match.block->declaration_error);
    }
    std::cout << "}\n";
    return 0;
  }
  std::cout << name << " (plugin " << match.plugin->name << " " << match.plugin->version << ", "
            << match.plugin->path.string() << ")\n\n"
            << block_doc(host, name) << "\n";
  return 0;
}

}  // namespace

int inspect_command(const InspectOptions& options) {
  host::Host host;
  std::error_code ec;
  if (options.plugin.size() > 5 && options.plugin.ends_with(".json")) {
    throw UsageError("'" + options.plugin + "' is a pipeline file; inspect shows plugins and blocks: brick doc " +
                     options.plugin + " prints its doc, brick graph its blocks");
  }
  if (!options.plugin.empty() && std::filesystem::is_regular_file(options.plugin, ec)) {
    // A file: loaded here, to show exactly what this host makes of it.
    std::shared_ptr<host::Plugin> plugin = host.load_plugin(options.plugin);
    registry::PluginRecord record = host::plugin_record(*plugin, &host);
    return show_plugin(record, host, options.json);
  }

  registry::Registry registry = options.search.open_registry();
  if (options.bad) return list_bad(registry, options.json);
  if (options.plugin.empty()) return list_all(registry, options.json);
  host.use_registry(registry);

  if (const registry::PluginRecord* plugin = registry.find_plugin(options.plugin)) {
    return show_plugin(*plugin, host, options.json);
  }
  std::vector<registry::Registry::BlockMatch> matches = registry.find_blocks(options.plugin);
  if (matches.size() == 1) return print_block(matches[0], host, options.json);
  if (matches.size() > 1) {
    std::string which;
    for (const auto& m : matches) which += "\n  " + m.qualified_name() + " (" + m.plugin->path.string() + ")";
    throw host::Error(
        BRICK_ERR_INVALID_ARGUMENT,
        "block name '" + options.plugin + "' is provided by several plugins; name one as plugin.Block:" + which);
  }
  // A plugin the registry could not scan (no scanner at hand) is looked for
  // directly.
  try {
    options.search.load_for(host, options.plugin);
  } catch (const host::Error&) {
  }
  if (std::shared_ptr<host::Plugin> plugin = host.find_plugin(options.plugin)) {
    registry::PluginRecord record = host::plugin_record(*plugin, &host);
    return show_plugin(record, host, options.json);
  }
  std::string message = "no plugin named '" + options.plugin + "', nor a block of that name, on the search path";
  if (!registry.bad_plugins().empty()) {
    message += " (" + std::to_string(registry.bad_plugins().size()) + " plugin files are bad: brick inspect --bad)";
  }
  throw host::Error(BRICK_ERR_NOT_FOUND, message + "; give a plugin file or set BRICK_PLUGIN_PATH");
}

}  // namespace brick::cli
