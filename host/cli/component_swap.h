// `brick run FILE scheduler=DDIMScheduler`: an input named like one of the
// pipeline's components swaps that component for another type created from
// the current one's config, diffusers' idiom
//   pipe.update_components(scheduler=DDIMScheduler.from_config(pipe.scheduler.config))
// (keys the new type does not know are ignored by it, as in diffusers).
#pragma once

#include <string>

#include "brick/host/component_types.h"
#include "brick/host/modular_pipeline.h"

namespace brick::cli {

// Takes the assignment when `name` is a component of the pipeline: `value`
// must be a string naming a component type, exactly ("core.DDIMScheduler")
// or by its class alone when one type has it ("DDIMScheduler"). Returns false
// (and does nothing) for any other name. Errors name the component and list
// the known types. The new component goes to the pipeline's device.
bool swap_component(host::ModularPipeline& pipe, const host::ComponentTypes& types, const std::string& name,
                    const host::Value& value);

}  // namespace brick::cli
