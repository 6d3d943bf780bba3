// Catalog: what a server can run. Its pipelines (the --pipeline files and
// the installed ones, opened once at start) and the blocks requests name
// (opened on first use, as `brick run plugin.Block` does), each with the
// inputs, defaults and outputs the API describes and checks requests
// against. One Catalog is shared by the server's threads: everything that
// touches a Host goes through it, under its lock.
#pragma once

#include <boost/json.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "brick/host/pipeline/target.h"
#include "brick/serve/server.h"

namespace brick::serve {

struct InputInfo {
  std::string name;
  std::string type_hint;
  std::string description;
  bool required = false;
  boost::json::value default_value;  // the file's input, else the declared default
};

struct CatalogEntry {
  std::string name;  // the pipeline's name, or plugin.Block
  bool is_block = false;
  std::filesystem::path file;
  std::string doc;
  std::vector<InputInfo> inputs;
  std::vector<std::string> outputs;       // what a run answers unless "outputs" names others
  std::vector<std::string> output_types;  // each output's type hint, index for index
  std::vector<std::string> workflows;
  std::vector<std::string> components;
  bool writes_output = false;  // declares `output` (a file name): the server sets it
  host::Target target;

  const InputInfo* find_input(const std::string& input) const;
  boost::json::object describe() const;
};

class Catalog {
 public:
  explicit Catalog(const ServeOptions& options);

  // Opens the --pipeline files (an error stops the server) and the installed
  // pipelines (an error is logged and that pipeline skipped).
  void load_pipelines();

  std::shared_ptr<const CatalogEntry> pipeline(const std::string& name) const;
  // Opens a block on first use; HttpError 404 for an unknown one.
  std::shared_ptr<const CatalogEntry> block(const std::string& qualified_name);
  std::vector<std::shared_ptr<const CatalogEntry>> pipelines() const;

  // Every plugin the catalog's targets have loaded: its current generation
  // (version, generation number, content hash, whether it can be unloaded)
  // and the old generations still draining.
  boost::json::array plugins_json() const;
  // The hosts of every pipeline and opened block (they live as long as the
  // catalog): what a reload publishes a new generation in.
  std::vector<host::Host*> hosts() const;
  size_t plugin_count() const;

  // A pipeline over an entry, moved to `device` with its components loaded
  // (under the catalog's lock: hosts are not shared across threads unlocked).
  host::ModularPipeline make_pipeline(const CatalogEntry& entry, const std::string& workflow, brick_device device);

 private:
  std::shared_ptr<CatalogEntry> open(const std::string& name, const std::string& target, bool is_block);

  ServeOptions options_;
  mutable std::recursive_mutex mutex_;
  std::vector<std::shared_ptr<CatalogEntry>> pipelines_;
  std::map<std::string, std::shared_ptr<CatalogEntry>> blocks_;
};

// Checks a request's inputs against an entry: each must be declared (the
// message lists the declared ones) and fit its type (the message names the
// input and the type expected). `output` is the server's. Throws HttpError(400).
void check_inputs(const CatalogEntry& entry, const boost::json::object& inputs);

}  // namespace brick::serve
