// brick doc TARGET: the doc (or repr) of a block or a pipeline, exactly as
// diffusers prints `blocks.doc`; for a pipeline file, then the inputs the
// file sets, as a run would use them.
#include <iostream>

#include "brick/host/params/doc_string.h"
#include "brick/host/pipeline/target.h"
#include "commands.h"

namespace brick::cli {

int doc_command(const DocOptions& options) {
  host::Target target = host::open_target(options.target, options.search);
  host::BlockPtr blocks = target.blocks(options.workflow);
  if (options.repr) {
    std::cout << blocks->repr() << "\n";
    return 0;
  }
  std::cout << blocks->doc() << "\n";
  if (!target.file || target.file->inputs().empty()) return 0;
  // The blocks' doc is diffusers' text for the blocks; a run of the file
  // starts from the file's inputs instead of those defaults.
  std::vector<host::InputParam> set;
  for (host::InputParam input : blocks->inputs()) {
    for (const auto& [name, value] : target.file->inputs()) {
      if (input.name == name) {
        input.default_value = value;
        input.defaults_by_block.reset();
        input.required = false;
        set.push_back(std::move(input));
      }
    }
  }
  if (set.empty()) return 0;
  std::string section = host::format_input_params(set);
  // "  Inputs:" -> what these are.
  section.replace(0, section.find('\n'), "  Inputs as " + target.file->origin() + " sets them (a run's defaults):");
  std::cout << "\n" << section << "\n";
  return 0;
}

}  // namespace brick::cli
