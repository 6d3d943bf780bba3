// ModularPipeline: blocks made runnable (diffusers' ModularPipeline).
//
//   auto pipe = block.init_pipeline();
//   PipelineState state = pipe({{"prompt", "a cat"}});              // the whole state
//   Value image = pipe.output({{"prompt", "a cat"}}, "images");      // output="images"
//   Value::Dict some = pipe.outputs({{"prompt", "a cat"}}, {"images", "latents"});
//
// A call seeds every top-level input (a passed value, else the value already
// in a passed state, else the default), warns about inputs no block declares
// ("Unexpected input '...' provided. This input will be ignored.") and runs the
// blocks on a copy: a state passed in is never mutated.
//
// Components (docs/components.md): the pipeline gathers one ComponentSpec and
// one ConfigSpec per name from its blocks (spec_merge.h: conflicts warn, or
// fail with PipelineOptions::strict_specs). from_config components are
// created at construction; from_pretrained ones stay None until
// load_components, which reports each failure and goes on with the others.
//
//   ModularPipeline pipe = ModularPipeline::from_pretrained("/models/repo", std::move(blocks));
//   LoadReport report = pipe.load_components();   // report.failed: {name, reason}
//   pipe.save_pretrained("/models/copy");          // modular_model_index.json + a folder per component
#pragma once

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "brick/host/blocks/blocks.h"
#include "brick/host/blocks/run_context.h"
#include "brick/host/components/component_types.h"
#include "brick/host/components/components.h"
#include "brick/host/components/modular_repository.h"
#include "brick/host/state/pipeline_state.h"

namespace brick::host {

class ComponentsManager;
class Host;

struct PipelineOptions {
  // Two blocks declaring one component or config name differently: an Error
  // instead of a warning.
  bool strict_specs = false;
  // How components are created and loaded; nullptr: the built-in types.
  std::shared_ptr<const ComponentTypes> component_types;
  // Shared registry the loaded from_pretrained components are added to.
  std::shared_ptr<ComponentsManager> components_manager;
  std::string collection;
  // Follow this host's plugin reloads (docs/hot-reload.md): when a reload
  // published a generation since the last run, the next run first rebuilds
  // the blocks from the same recipe through the host (PluginBlock names,
  // constructor arguments, sub-block edits), takes the host's component
  // types again and migrates components made by a replaced generation
  // (created from config(), then load_state_dict(state_dict())). Runs in
  // flight finish on the blocks they started with. The host must outlive
  // the pipeline. from_pretrained(path, host) and PipelineFile::init_pipeline
  // with a Host set it.
  const Host* host = nullptr;
};

// What load_components did, per component.
struct LoadReport {
  std::vector<std::string> loaded;
  std::vector<std::pair<std::string, std::string>> failed;  // name, reason
  bool ok() const { return failed.empty(); }
};

struct SaveOptions {
  // Rewrite every entry to point at the saved copy, even components that
  // have a load_id of their own.
  bool overwrite_modular_index = false;
};

class ModularPipeline {
 public:
  explicit ModularPipeline(std::unique_ptr<ModularPipelineBlocks> blocks, PipelineOptions options = {});
  ~ModularPipeline();
  ModularPipeline(ModularPipeline&&) noexcept;
  ModularPipeline& operator=(ModularPipeline&&) noexcept;

  // from_pretrained(path): reads <path>/modular_model_index.json (or a
  // standard model_index.json) and overlays its component entries and config
  // values on the blocks' specs; entries no block declares are kept and
  // written back by save_pretrained. Nothing is loaded yet. The repository is
  // a local folder, a name on the model search path or a hub id in the local
  // Hugging Face cache (resolve_model_repository); never downloaded.
  static ModularPipeline from_pretrained(const std::filesystem::path& pretrained_model_name_or_path,
                                         std::unique_ptr<ModularPipelineBlocks> blocks, PipelineOptions options = {});
  // The same with the blocks the index names in _blocks_class_name
  // ("plugin.Block"), created through the host; the host's plugin component
  // types are used unless options name other types. A missing or unknown
  // _blocks_class_name falls back to `default_blocks` when given.
  static ModularPipeline from_pretrained(const std::filesystem::path& pretrained_model_name_or_path, const Host& host,
                                         PipelineOptions options = {}, std::string_view default_blocks = {});

  // A copy of the blocks: editing it does not change the pipeline.
  std::unique_ptr<ModularPipelineBlocks> blocks() const { return current_blocks()->clone(); }
  std::string doc() const { return current_blocks()->doc(); }
  // The blocks the next run starts with (shared, never edited in place: a
  // reload replaces them as a whole). The snapshot a run takes.
  std::shared_ptr<const ModularPipelineBlocks> current_blocks() const;

  Components& components() { return components_; }
  const Components& components() const { return components_; }

  // __call__(state, **kwargs): the resulting state.
  PipelineState operator()(const Kwargs& kwargs = {}, const PipelineState* state = nullptr);
  // The same with the run's options (blocks/run_context.h): its id, its own
  // progress sink, a step-end callback, a cancellation flag.
  PipelineState run(const Kwargs& kwargs, RunOptions options, const PipelineState* state = nullptr);
  // __call__(output="name"): one value of the resulting state (None if absent).
  Value output(const Kwargs& kwargs, std::string_view name, const PipelineState* state = nullptr);
  // __call__(output=[...]): {name: value}, None for absent names.
  Value::Dict outputs(const Kwargs& kwargs, const std::vector<std::string>& names,
                      const PipelineState* state = nullptr);

  // pipe.to(device): blocks run there (Components::device(); `stream`, a
  // cudaStream_t, becomes ATen's current stream around every plugin call;
  // nullptr: the device's current one), every component object
  // moves there (Object::to; plugin types answer `to`), and components loaded
  // later load there.
  void to(brick_device device, void* stream = nullptr);

  // ---- components ------------------------------------------------------
  const std::vector<ComponentSpec>& component_specs() const { return component_specs_; }
  const std::vector<ConfigSpec>& config_specs() const { return config_specs_; }
  // A copy of the spec; Error(NOT_FOUND) for an unknown name.
  ComponentSpec get_component_spec(std::string_view name) const;
  // Replaces the spec of a component the blocks declare (a pipeline file's
  // "components" entry): its object is dropped, a from_config spec is created
  // again at once, a from_pretrained one waits for load_components. Throws
  // Error(BRICK_ERR_NOT_FOUND) for a name no block declares.
  void set_component_spec(ComponentSpec spec);
  // A component (None when not loaded); Error(NOT_FOUND) for an unknown name.
  Value component(std::string_view name) const;
  std::vector<std::string> component_names() const;
  std::vector<std::string> null_component_names() const;
  std::vector<std::string> pretrained_component_names() const;
  std::vector<std::string> config_component_names() const;

  // load_components(): every from_pretrained component that has a path and
  // is not loaded yet. Each failure is logged as a warning ("Failed to load
  // NAME: reason") and reported; the component stays None and the others
  // still load.
  LoadReport load_components(const LoadOptions& options = {});
  // load_components(names): only these (loaded again if already loaded,
  // as diffusers does for named components); unknown names warn.
  LoadReport load_components(const std::vector<std::string>& names, const LoadOptions& options = {});
  // load_components(workflow=name): the components load_components() would
  // load, limited to those the workflow's blocks (blocks.get_workflow(name))
  // declare. An unknown workflow throws the blocks' error.
  LoadReport load_workflow_components(std::string_view workflow, const LoadOptions& options = {});
  // update_components(**kwargs): component names get the object (and a spec
  // derived from it, ComponentSpec.from_component), config names a new value;
  // other keys warn "Unexpected keyword arguments, will be ignored".
  void update_components(const Value::Dict& updates);
  // Swaps a component for another type created from the current one's
  // config (or the spec's, when it is None), on the pipeline's device:
  // diffusers' update_components(scheduler=DDIMScheduler.from_config(pipe.scheduler.config)).
  // `type` is a type hint ("core.DDIMScheduler") or its class alone
  // ("DDIMScheduler") when one known type has that class; keys the new type
  // does not know are its to ignore. Error(NOT_FOUND) for an unknown
  // component or type, listing the known types.
  void set_component_type(std::string_view name, std::string_view type);
  // Creates a component anew with its type and its config changed by
  // `changes` (keys replace the current config's): `--component
  // scheduler='{"clip_sample": false}'`. A plugin model keeps its weights
  // (the new object loads the old one's state_dict; an error when they no
  // longer fit); a bare set of weights (brick.SafetensorsWeights) has no
  // config to change (Error UNSUPPORTED).
  void set_component_config(std::string_view name, const Value::Dict& changes);
  // unload_components(names): the component becomes None (and leaves the
  // ComponentsManager); its spec stays, so it can be loaded again. Unknown
  // names warn; unloading twice is a no-op.
  void unload_components(const std::vector<std::string>& names);

  // save_pretrained(dir): every loaded from_pretrained component is saved into
  // dir/<name>; one without a load_id (or all, with overwrite_modular_index)
  // gets its index entry pointed at dir and subfolder <name>. Then writes
  // dir/modular_model_index.json.
  void save_pretrained(const std::filesystem::path& dir, const SaveOptions& options = {});
  // The index save_pretrained would write now (without saving components).
  ModularModelIndex modular_model_index() const;

  const std::shared_ptr<ComponentsManager>& components_manager() const { return options_.components_manager; }

 private:
  void create_components();
  // Before a run: the blocks to run, rebuilt first when the followed host
  // reloaded a plugin since the last run (docs/hot-reload.md).
  std::shared_ptr<ModularPipelineBlocks> blocks_for_run();
  void follow_reload(uint64_t epoch);
  void register_component(const std::string& name, Value component);
  // set_component_type / set_component_config: a new object of `type_hint`
  // from `config`, on the pipeline's device, through update_components.
  // `weights`, a state_dict, is loaded into the new object when not empty.
  void recreate_component(std::string_view name, const std::string& type_hint, const Value& config,
                          const Value& weights = Value());
  ComponentSpec* find_spec(std::string_view name);

  // Replaced as a whole by a reload, under blocks_mutex_ (a pointer, so the
  // pipeline stays movable); a run holds its own reference.
  std::shared_ptr<ModularPipelineBlocks> blocks_;
  std::unique_ptr<std::mutex> blocks_mutex_ = std::make_unique<std::mutex>();
  uint64_t reload_epoch_ = 0;  // of options_.host, when blocks_ were built
  PipelineOptions options_;
  Components components_;
  std::vector<ComponentSpec> component_specs_;
  std::vector<ConfigSpec> config_specs_;
  // Set while a run is in progress: a second run of the same pipeline (from
  // another thread, or from inside the first) is refused, because blocks
  // and components keep per-call data. A pointer, so the pipeline stays movable.
  std::unique_ptr<std::atomic<bool>> running_ = std::make_unique<std::atomic<bool>>(false);
  // Index fields and entries read by from_pretrained that no spec covers.
  std::string class_name_ = "ModularPipeline";
  std::string diffusers_version_ = kDiffusersFormatVersion;
  std::vector<std::pair<std::string, ModularIndexEntry>> extra_components_;
  Value::Dict extra_configs_;
  // Why a component is None: its creation or loading failed (the reason is
  // added to the error of a block that fails while it is None).
  std::map<std::string, std::string> component_failures_;
  // ComponentsManager id of each registered component.
  std::vector<std::pair<std::string, std::string>> manager_ids_;
};

}  // namespace brick::host
