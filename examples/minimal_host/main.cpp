// The smallest custom host: the plugins of the search path, a pipeline file,
// its components, one run with inputs, an image on disk.
//
//   minimal_host [PIPELINE] [PROMPT] [OUTPUT]
//
// PIPELINE is a pipeline file or the name of an installed one (default
// text2image, which brick installs to share/brick/pipelines).
#include <brick/host.h>

#include <iostream>

namespace host = brick::host;

int main(int argc, char** argv) {
  std::string pipeline = argc > 1 ? argv[1] : "text2image";
  std::string prompt = argc > 2 ? argv[2] : "a blue square";
  std::string output = argc > 3 ? argv[3] : "minimal.png";
  try {
    // [sample:run]
    // Every plugin on the search path (BRICK_PLUGIN_PATH, then brick's own
    // plugin folder) is known from the registry's cache; a library opens when
    // one of its blocks or component types is first used.
    host::Host plugins;
    plugins.use_registry(host::PluginSearch{}.open_registry());

    std::optional<std::filesystem::path> file = host::find_pipeline(pipeline);
    host::PipelineFile pipeline_file = host::PipelineFile::read(file ? *file : std::filesystem::path(pipeline));
    host::ModularPipeline pipe = pipeline_file.init_pipeline(plugins);

    // The components the file's repository holds (models, scheduler). A
    // failure is reported per component; the run would then fail naming it.
    host::LoadReport report = pipe.load_components();
    for (const auto& [name, why] : report.failed) std::cerr << "could not load " << name << ": " << why << "\n";

    // The file's inputs are the defaults; ours replace them.
    host::Kwargs inputs = pipeline_file.inputs_with({{"prompt", host::Value(prompt)}, {"output", host::Value(output)}});
    host::PipelineState state = pipe(inputs);
    std::cout << "image_paths = " << state.get("image_paths").repr() << "\n";
    // [/sample:run]
    return 0;
  } catch (const host::Error& e) {
    // Every failure names what failed: the block, the file, the value.
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
