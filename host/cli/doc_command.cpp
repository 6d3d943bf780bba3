// brick doc TARGET: the doc (or repr) of a block or a pipeline file, exactly
// as diffusers prints `blocks.doc`.
#include <iostream>

#include "commands.h"
#include "target.h"

namespace brick::cli {

int doc_command(const DocOptions& options) {
  Target target = open_target(options.target, options.search);
  host::BlockPtr blocks = target.blocks(options.workflow);
  std::cout << (options.repr ? blocks->repr() : blocks->doc()) << "\n";
  return 0;
}

}  // namespace brick::cli
