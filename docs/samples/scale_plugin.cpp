// docs/writing-a-plugin.md, section 3: the entry point of the Scale plugin.
#include "scale_block.h"

// [sample:entry]
#include <brick/plugin.h>

BRICK_PLUGIN("my_plugin", "0.1.0", "What my blocks do") { plugin.add<Scale>("Scale", "y = x * factor"); }
// [/sample:entry]
