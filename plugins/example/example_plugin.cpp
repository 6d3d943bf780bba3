// The example plugin: what a plugin's export file looks like.
#include <brick/plugin.h>

#include "affine.h"
#include "random_latents.h"

BRICK_PLUGIN("example", "0.1.0", "Example blocks: an affine transform and seeded random latents") {
  plugin.add<example::Affine>("Affine", "y = scale * x + shift");
  plugin.add<example::RandomLatents>("RandomLatents", "seeded Gaussian latents");
}
