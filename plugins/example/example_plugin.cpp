// The example plugin: what a plugin's export file looks like.
#include <brick/plugin.h>

#include "affine.h"
#include "random_latents.h"
#include "repeat.h"
#include "update.h"

BRICK_PLUGIN("example", "0.2.0", "Example blocks: an affine transform, seeded random latents, a loop") {
  // [sample:unloadable]
  // No thread_local, no torch operators, no CUDA kernels, nothing that
  // outlives shutdown: after a hot reload the old build may be dlclose'd.
  plugin.unloadable();
  // [/sample:unloadable]
  plugin.add<example::Affine>("Affine", "y = scale * x + shift");
  plugin.add<example::RandomLatents>("RandomLatents", "seeded Gaussian latents");
  plugin.add<example::Update>("Update", "latents = scale * latents + shift (also inside loops)");
  plugin.add<example::Repeat>("Repeat", "a loop wrapper: runs its sub-blocks num_steps times");
}
