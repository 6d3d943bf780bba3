// A host that composes its pipeline in C++ (no pipeline file), loads the
// model repository itself, and routes brick's log and progress into its own
// output.
//
//   composed_host [PROMPT] [OUTPUT]
//
// The blocks are those of pipelines/text2image.json's text-to-image path,
// assembled as diffusers' users assemble SequentialPipelineBlocks.
#include <brick/host.h>

#include <chrono>
#include <iostream>

namespace host = brick::host;

namespace {

// [sample:compose]
// diffusers' SequentialPipelineBlocks.from_blocks_dict, with blocks of any plugin.
std::unique_ptr<host::SequentialPipelineBlocks> text_to_image(const host::Host& plugins) {
  auto denoise = plugins.create_block("core.DenoiseLoop");
  denoise->sub_blocks().set("before_denoiser", plugins.create_block("core.LoopBeforeDenoiser"));
  denoise->sub_blocks().set("denoiser", plugins.create_block("core.LoopDenoiser"));
  denoise->sub_blocks().set("after_denoiser", plugins.create_block("core.LoopAfterDenoiser"));

  auto blocks = std::make_unique<host::SequentialPipelineBlocks>();
  blocks->sub_blocks().set("text_encoder", plugins.create_block("shapes.TextEncoderStep"));
  blocks->sub_blocks().set("input", plugins.create_block("core.InputStep"));
  blocks->sub_blocks().set("set_timesteps", plugins.create_block("core.SetTimestepsStep"));
  blocks->sub_blocks().set("prepare_latents", plugins.create_block("core.PrepareLatentsStep"));
  blocks->sub_blocks().set("denoise", std::move(denoise));
  blocks->sub_blocks().set("decode", plugins.create_block("core.DecodeStep"));
  blocks->sub_blocks().set("save", plugins.create_block("image.SaveImagesStep"));
  return blocks;
}
// [/sample:compose]

}  // namespace

int main(int argc, char** argv) {
  std::string prompt = argc > 1 ? argv[1] : "a green triangle";
  std::string output = argc > 2 ? argv[2] : "composed.png";

  // [sample:log_sink]
  // Everything brick and its plugins say comes here, with our own prefix.
  host::ScopedLogSink log([](const host::LogRecord& r) {
    std::cerr << "[composed_host " << host::log_level_name(r.level) << "] " << r.source << ": " << r.message << "\n";
  });
  // [/sample:log_sink]

  try {
    host::Host plugins;
    plugins.use_registry(host::PluginSearch{}.open_registry());
    std::unique_ptr<host::SequentialPipelineBlocks> blocks = text_to_image(plugins);
    std::cout << blocks->doc() << "\n\n";

    // [sample:from_pretrained]
    // The model repository by name, as a hub id in a cache: BRICK_MODEL_PATH,
    // then brick's share/brick/models. Its index says which component goes where.
    host::PipelineOptions options;
    options.component_types = plugins.component_types();
    host::ModularPipeline pipe =
        host::ModularPipeline::from_pretrained(host::resolve_model_repository("shapes"), std::move(blocks), options);
    host::LoadReport report = pipe.load_components();
    if (!report.ok()) return 1;  // each failure was logged through our sink
    // [/sample:from_pretrained]

    // [sample:run_options]
    // Progress of this run only, and a look at every step's latents
    // (diffusers' callback_on_step_end).
    host::RunOptions run;
    run.run_id = "composed-1";
    auto start = std::chrono::steady_clock::now();
    run.progress = [&](const host::ProgressRecord& r) {
      double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::cout << r.run_id << ": step " << r.done << "/" << r.total << " after " << seconds << " s\n";
    };
    int steps = 0;
    run.on_step_end = [&](const host::StepEnd& step) {
      if (step.block_state.get("latents")) ++steps;
    };
    host::PipelineState state = pipe.run(
        {{"prompt", host::Value(prompt)}, {"num_inference_steps", host::Value(8)}, {"output", host::Value(output)}},
        run);
    // [/sample:run_options]
    std::cout << "steps seen: " << steps << "\nimage_paths = " << state.get("image_paths").repr() << "\n";
    return 0;
  } catch (const host::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
