// A pipeline over one original single-file checkpoint (brick run --model
// FILE.safetensors; diffusers' from_single_file; docs/models.md,
// "Single-file checkpoints").
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "brick/host/pipeline/modular_pipeline.h"

namespace brick::host {

// from_single_file(file): the pipeline over `blocks` with its components
// from an original checkpoint (single_file_checkpoint.h). The model type is
// told from the file's keys; the repository of configs is `config` (a
// folder, a name on the model search path or a hub id: diffusers'
// `config=`), else the type's default repository when it is in the local
// Hugging Face cache, else none. The components named unet, vae,
// text_encoder and text_encoder_2 load from the file (their type converts
// its own keys), with the repository's <name>/config.json as their config
// when it has one (else the type chooses from the keys); every other
// component (tokenizers, scheduler) loads from the repository's subfolder,
// or, when it has none, from the installation's built-in configs
// (share/brick/single_file). The index (model_index.json) is the
// repository's, else the built-in one. Nothing is loaded yet.
ModularPipeline from_single_file(const std::filesystem::path& file, std::unique_ptr<ModularPipelineBlocks> blocks,
                                 PipelineOptions options = {}, const std::string& config = {});

// Throws unless a model config (`config`, diffusers' `config=`) goes with a
// single-file model: `model` is the model as given ("" when none), and
// `model_is_single_file` whether it is a checkpoint file.
void check_model_config(const std::string& config, const std::string& model, bool model_is_single_file);

}  // namespace brick::host
