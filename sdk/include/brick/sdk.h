// The brick C++ authoring layer: include this in every file that defines
// blocks, and brick/plugin.h in the one file that exports the plugin.
#pragma once

#include "brick/sdk/block.h"
#include "brick/sdk/component_ref.h"
#include "brick/sdk/component_type.h"
#include "brick/sdk/composite.h"
#include "brick/sdk/device.h"
#include "brick/sdk/error.h"
#include "brick/sdk/params.h"
#include "brick/sdk/state.h"
#include "brick/sdk/value.h"
