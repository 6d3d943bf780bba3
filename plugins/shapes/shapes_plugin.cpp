// The shapes plugin: a text-to-image model that needs no weights from
// anywhere. Its denoiser is the exact optimal one for a small generated image
// set (coloured circles, squares, triangles), its text encoder maps words to
// those colours and shapes, its autoencoder is the identity in pixel space.
// docs/plugins/shapes.md has the model and the math.
#include <brick/plugin.h>

#include "pixel_autoencoder.h"
#include "shapes_denoiser.h"
#include "shapes_text_encoder.h"
#include "text_encoder_step.h"

BRICK_PLUGIN("shapes", "0.1.0",
             "A closed-form text-to-image model of coloured shapes: denoiser, text encoder, pixel codec") {
  plugin.unloadable();  // no thread_local, torch operators or CUDA kernels (docs/hot-reload.md)
  plugin.add<shapes::TextEncoderStep>("TextEncoderStep", "prompt and negative prompt to multi-hot conditions");
  plugin.add_component<shapes::ShapesDenoiser>(
      "ShapesDenoiser", "the exact posterior-mean denoiser of a generated shapes dataset (the unet)");
  plugin.add_component<shapes::ShapesTextEncoder>("ShapesTextEncoder",
                                                  "prompt words to multi-hot colour and shape conditions");
  plugin.add_component<shapes::PixelAutoencoder>("PixelAutoencoder",
                                                 "the identity codec in pixel space: where a real VAE plugs in");
}
