// brick list: what there is to run: the installed pipelines (by name), every
// block and every component type the plugins on the search path provide
// (from the registry: no plugin library is opened with a warm cache).
#include <iomanip>
#include <iostream>

#include "brick/host/loader/registry.h"
#include "brick/host/pipeline/pipeline_file.h"
#include "brick/host/pipeline/pipeline_search_path.h"
#include "brick/host/value/json.h"
#include "commands.h"

namespace brick::cli {

namespace {

struct Entry {
  std::string name, description, where;
};

void print_section(const char* title, const std::vector<Entry>& entries) {
  std::cout << title << " (" << entries.size() << ")\n";
  for (const Entry& e : entries) {
    std::cout << "  " << std::left << std::setw(40) << e.name << " " << e.description << "\n";
  }
}

host::Value as_json(const std::vector<Entry>& entries, const char* where_key) {
  host::Value::List list;
  for (const Entry& e : entries) {
    list.push_back(host::Value::dict({{"name", host::Value(e.name)},
                                      {"description", host::Value(e.description)},
                                      {where_key, host::Value(e.where)}}));
  }
  return host::Value::list(std::move(list));
}

}  // namespace

int list_command(const ListOptions& options) {
  std::vector<Entry> pipelines, blocks, types;
  for (const std::filesystem::path& file : host::list_pipelines()) {
    std::string description;
    try {
      description = host::PipelineFile::read(file).description();
    } catch (const std::exception& e) {
      description = std::string("(unreadable: ") + e.what() + ")";
    }
    pipelines.push_back({file.stem().string(), description, file.string()});
  }
  registry::Registry registry = options.search.open_registry();
  for (const registry::PluginRecord& plugin : registry.plugins()) {
    for (const registry::BlockRecord& block : plugin.blocks) {
      blocks.push_back({plugin.name + "." + block.name, block.description, plugin.name});
    }
    for (auto& [name, description] : host::component_types_of(plugin))
      types.push_back({name, description, plugin.name});
  }
  if (options.names) {  // what run, doc and graph take: for shell completion
    for (const auto* section : {&pipelines, &blocks})
      for (const Entry& e : *section) std::cout << e.name << "\n";
    return 0;
  }
  if (options.json) {
    std::cout << host::to_json(host::Value::dict({{"pipelines", as_json(pipelines, "file")},
                                                  {"blocks", as_json(blocks, "plugin")},
                                                  {"component_types", as_json(types, "plugin")}}))
              << "\n";
    return 0;
  }
  print_section("Pipelines", pipelines);
  std::cout << "\n";
  print_section("Blocks", blocks);
  std::cout << "\n";
  print_section("Component types", types);
  if (pipelines.empty())
    std::cout << "\nNo pipelines on the search path (BRICK_PIPELINE_PATH, share/brick/pipelines).\n";
  return 0;
}

}  // namespace brick::cli
