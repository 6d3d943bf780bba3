// brick doc TARGET: the doc (or repr) of a block or a pipeline file, exactly
// as diffusers prints `blocks.doc`.
#include <iostream>

#include "brick/host/pipeline/target.h"
#include "commands.h"

namespace brick::cli {

int doc_command(const DocOptions& options) {
  host::Target target = host::open_target(options.target, options.search);
  host::BlockPtr blocks = target.blocks(options.workflow);
  std::cout << (options.repr ? blocks->repr() : blocks->doc()) << "\n";
  return 0;
}

}  // namespace brick::cli
