// The components the core blocks use, declared once so that every block
// asks for the same spec (blocks that declare one name differently make the
// pipeline warn): names and type hints from the issue 6 contract.
#pragma once

#include <brick/sdk.h>

namespace core::specs {

brick::ComponentSpec scheduler();  // from_pretrained, core.EulerDiscreteScheduler
brick::ComponentSpec guider();     // from_config {"guidance_scale": 7.5}, core.ClassifierFreeGuidance
brick::ComponentSpec unet();       // from_pretrained, shapes.ShapesDenoiser
brick::ComponentSpec vae();        // from_pretrained, shapes.PixelAutoencoder

}  // namespace core::specs
