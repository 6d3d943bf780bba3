// The C++ samples docs/ shows for hosts, each inside the function that runs
// it (tests/docs/docs_samples_test.cpp calls them on the shipped plugins).
#include "host_samples.h"

#include <iostream>

#include <ATen/ops/ones.h>
#include <brick/host.h>

namespace samples {

// docs/pipeline-files.md, "In C++". `path` is a pipeline file such as
// pipelines/text2image.json.
brick::host::PipelineState run_pipeline_file(const std::filesystem::path& path, const std::string& output) {
  // [sample:pipeline_file]
  brick::host::Host host;
  host.use_registry(brick::host::PluginSearch{}.open_registry());  // installed plugins, opened when used
  auto file = brick::host::PipelineFile::read(path);
  host.load_plugins(file.plugin_dirs());  // the file's own plugin folders, if it names any
  brick::host::ModularPipeline pipe = file.init_pipeline(host /*, "text2image" workflow */);
  brick::host::LoadReport report = pipe.load_components();  // the models of its repository
  for (const auto& [name, reason] : report.failed) std::cerr << name << ": " << reason << "\n";
  auto state = pipe(file.inputs_with({{"prompt", "a red circle"}, {"output", output}}));
  // [/sample:pipeline_file]
  return state;
}

// docs/concepts.md, "ModularPipeline".
void call_pipeline(brick::host::ModularPipeline& pipe) {
  using namespace brick::host;
  // [sample:call_pipeline]
  PipelineState state = pipe({{"prompt", "a cat"}, {"num_inference_steps", 20}});
  Value image = pipe.output({{"prompt", "a cat"}}, "images");  // output="images"
  Value::Dict some = pipe.outputs({{"prompt", "a cat"}}, {"images", "latents"});
  // [/sample:call_pipeline]
  (void)state, (void)image, (void)some;
}

// docs/writing-a-plugin.md, "Test it". `plugin_file` is build/my_plugin.so.
at::Tensor call_plugin_block(const std::filesystem::path& plugin_file) {
  // [sample:load_plugin]
  brick::host::Host host;
  host.load_plugin(plugin_file);
  auto pipe = host.create_block("my_plugin.Scale")->init_pipeline();
  auto y = pipe.output({{"x", at::ones({2})}}, "y").as_tensor();
  // [/sample:load_plugin]
  return y;
}

// docs/composition.md, "Editing". The host has loaded my_blocks.so (a
// composite of shapes' and core's blocks) and my_plugin.so.
std::vector<std::string> edit_blocks(const brick::host::Host& host) {
  // [sample:edit]
  auto blocks = host.create_block("my_blocks.FluxLikeBlocks");
  blocks->sub_blocks().insert("pre_scale", host.create_block("my_plugin.Scale"), 0);
  brick::host::BlockPtr old = blocks->sub_blocks().pop("scale");
  blocks->sub_blocks().set("decode", host.create_block("core.DecodeStep"));
  auto pipe = blocks->init_pipeline();  // a copy: later edits do not reach pipe
  // [/sample:edit]
  (void)old;
  return pipe.blocks()->sub_blocks().names();
}

// docs/components.md, "Components in a pipeline". `repo` is a modular
// repository (the shapes model's, say).
brick::host::LoadReport load_from_pretrained(const brick::host::Host& host,
                                             std::unique_ptr<brick::host::ModularPipelineBlocks> blocks,
                                             const std::filesystem::path& repo,
                                             std::shared_ptr<brick::host::ComponentsManager> manager) {
  using namespace brick::host;
  // [sample:from_pretrained]
  PipelineOptions options;
  options.component_types = host.component_types();  // built-ins + plugin types
  options.components_manager = manager;              // optional, shared
  options.collection = "sdxl";
  ModularPipeline pipe = ModularPipeline::from_pretrained(repo, std::move(blocks), options);
  LoadReport report = pipe.load_components();  // every from_pretrained one with a path that is still None
  for (auto& [name, reason] : report.failed) std::cerr << name << ": " << reason << "\n";
  // [/sample:from_pretrained]
  return report;
}

}  // namespace samples
