// Runs the C++ samples docs/ shows (docs/samples), on the shipped plugins
// and the sample plugins built beside this test.
#include <gtest/gtest.h>

#include <ATen/TensorOperators.h>
#include <ATen/ops/allclose.h>
#include <ATen/ops/ones.h>
#include <brick/host.h>

#include "host_samples.h"

namespace fs = std::filesystem;
namespace host = brick::host;

namespace {

const fs::path kDocsPlugins = DOCS_PLUGIN_DIR;

fs::path scratch(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("brick_docs_" + name + "_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

TEST(DocsSamples, PipelineFileRunsTheShippedTextToImage) {
  fs::path out = scratch("pipeline_file") / "red.png";
  host::PipelineState state =
      samples::run_pipeline_file(fs::path(BRICK_SOURCE_DIR) / "pipelines" / "text2image.json", out.string());
  EXPECT_TRUE(fs::exists(out));
  EXPECT_EQ(state.get("image_paths").repr(), "['" + out.string() + "']");
  fs::remove_all(out.parent_path());
}

TEST(DocsSamples, CallingAPipelineGivesStateOutputAndOutputs) {
  host::Host plugins;
  plugins.use_registry(host::PluginSearch{}.open_registry());
  auto file = host::PipelineFile::read(fs::path(BRICK_SOURCE_DIR) / "pipelines" / "text2image.json");
  host::ModularPipeline pipe = file.init_pipeline(plugins);
  ASSERT_TRUE(pipe.load_components().ok());
  fs::path dir = scratch("call");
  fs::path cwd = fs::current_path();
  fs::current_path(dir);  // the pipeline saves brick.png into the working folder
  EXPECT_NO_THROW(samples::call_pipeline(pipe));
  fs::current_path(cwd);
  fs::remove_all(dir);
}

TEST(DocsSamples, TheGuidesPluginScalesByItsDefaultFactor) {
  at::Tensor y = samples::call_plugin_block(kDocsPlugins / "docs_scale.so");
  EXPECT_TRUE(at::allclose(y, at::ones({2}) * 2.0));
}

TEST(DocsSamples, TheReadmePluginScalesToo) {
  host::Host plugins;
  plugins.load_plugin(kDocsPlugins / "docs_readme.so");
  auto pipe = plugins.create_block("my_plugin.Scale")->init_pipeline();
  at::Tensor y = pipe.output({{"x", at::ones({3})}, {"factor", 3.0}}, "y").as_tensor();
  EXPECT_TRUE(at::allclose(y, at::ones({3}) * 3.0));
}

TEST(DocsSamples, ABlockCallsTheComponentItDeclares) {
  host::Host plugins;
  plugins.load_plugin(kDocsPlugins / "docs_component.so");
  host::PipelineOptions options;
  options.component_types = plugins.component_types();
  host::ModularPipeline pipe(plugins.create_block("my_plugin.Step"), options);
  at::Tensor latents = pipe.output({{"height", int64_t{3}}}, "latents").as_tensor();
  EXPECT_TRUE(at::allclose(latents, at::ones({1, 3}) * 0.5));  // zeros + the spec's shift
}

TEST(DocsSamples, TheLoopWrapperRunsItsStepPerTimestep) {
  host::Host plugins;
  plugins.load_plugin(kDocsPlugins / "docs_loop.so");
  auto pipe = plugins.create_block("my_loop.Loop")->init_pipeline();
  at::Tensor latents =
      pipe.output({{"latents", at::ones({2})}, {"timesteps", host::Value::list({host::Value(1.0), host::Value(2.5)})}},
                  "latents")
          .as_tensor();
  EXPECT_TRUE(at::allclose(latents, at::ones({2}) * 4.5));
}

TEST(DocsSamples, TheSchedulerTypeScalesItsStep) {
  host::Host plugins;
  plugins.load_plugin(kDocsPlugins / "docs_sched.so");
  host::ComponentSpec spec;
  spec.name = "scheduler";
  spec.type_hint = "sched.EulerScheduler";
  auto scheduler = plugins.component_types()->create(spec, host::Value::dict({{"scale", host::Value(2.0)}}));
  host::Value out = scheduler->call("step", host::Value::list({host::Value(1.5)}));
  EXPECT_DOUBLE_EQ(out.as_float(), 3.0);
}

TEST(DocsSamples, EditingACompositeFromPlugins) {
  host::Host plugins;
  plugins.use_registry(host::PluginSearch{}.open_registry());
  plugins.load_plugin(kDocsPlugins / "docs_composite.so");
  plugins.load_plugin(kDocsPlugins / "docs_scale.so");
  EXPECT_EQ(samples::edit_blocks(plugins), (std::vector<std::string>{"pre_scale", "text_encoder", "decode"}));
}

TEST(DocsSamples, FromPretrainedLoadsTheRepositorysComponents) {
  host::Host plugins;
  plugins.use_registry(host::PluginSearch{}.open_registry());
  plugins.load_plugin(kDocsPlugins / "docs_composite.so");
  auto manager = std::make_shared<host::ComponentsManager>();
  host::LoadReport report = samples::load_from_pretrained(plugins, plugins.create_block("my_blocks.FluxLikeBlocks"),
                                                          host::resolve_model_repository("shapes"), manager);
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.loaded, (std::vector<std::string>{"text_encoder", "vae"}));
}

}  // namespace
