#include "component_specs.h"

namespace core::specs {

brick::ComponentSpec scheduler() { return brick::ComponentSpec("scheduler", "core.EulerDiscreteScheduler"); }

brick::ComponentSpec guider() {
  return brick::ComponentSpec("guider", "core.ClassifierFreeGuidance")
      .with_config(brick::Json{R"({"guidance_scale": 7.5})"});
}

brick::ComponentSpec unet() { return brick::ComponentSpec("unet", "shapes.ShapesDenoiser"); }

brick::ComponentSpec vae() { return brick::ComponentSpec("vae", "shapes.PixelAutoencoder"); }

}  // namespace core::specs
