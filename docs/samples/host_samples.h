// The host samples of docs/, as functions tests/docs runs.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <brick/host/components/components_manager.h>
#include <brick/host/loader/host.h>
#include <brick/host/pipeline/modular_pipeline.h>

namespace samples {

brick::host::PipelineState run_pipeline_file(const std::filesystem::path& path, const std::string& output);
void call_pipeline(brick::host::ModularPipeline& pipe);
at::Tensor call_plugin_block(const std::filesystem::path& plugin_file);
std::vector<std::string> edit_blocks(const brick::host::Host& host);
brick::host::LoadReport load_from_pretrained(const brick::host::Host& host,
                                             std::unique_ptr<brick::host::ModularPipelineBlocks> blocks,
                                             const std::filesystem::path& repo,
                                             std::shared_ptr<brick::host::ComponentsManager> manager);

}  // namespace samples
