// The transformers plugin: the parts of Hugging Face transformers that
// diffusers' Stable Diffusion folders name in model_index.json, natively:
// CLIP's tokenizer and its text encoders (docs/plugins/transformers.md).
// Type hints resolve with no mapping: transformers.CLIPTextModel is this
// plugin's CLIPTextModel.
#include <brick/plugin.h>

#include "clip_text_model.h"
#include "clip_tokenizer.h"

BRICK_PLUGIN("transformers", "0.1.0", "CLIP's tokenizer and text encoders, as transformers names them") {
  plugin.add_component<transformers::CLIPTokenizer>("CLIPTokenizer",
                                                    "CLIP's byte-level BPE tokenizer, from vocab.json and merges.txt");
  plugin.add_component<transformers::CLIPTextModel>("CLIPTextModel",
                                                    "CLIP's text transformer (Stable Diffusion's text encoder)");
  plugin.add_component<transformers::CLIPTextModelWithProjection>(
      "CLIPTextModelWithProjection", "CLIP's text transformer with text_projection (SDXL's second text encoder)");
}
