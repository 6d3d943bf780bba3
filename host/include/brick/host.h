// brick/host.h: the whole public API of libbrick, for a custom host that
// would rather not pick headers one by one. Each module's headers live in
// brick/host/<module>/ (docs/architecture.md); docs/embedding.md is the guide.
//
//   brick::host::Host host;                                       // the plugins of this process
//   host.use_registry(brick::host::PluginSearch{}.open_registry());
//   auto file = brick::host::PipelineFile::read("pipelines/text2image.json");
//   brick::host::ModularPipeline pipe = file.init_pipeline(host);
//   pipe.load_components();
//   brick::host::PipelineState state = pipe(file.inputs_with({{"prompt", brick::host::Value("a red circle")}}));
//
// examples/minimal_host and examples/composed_host are complete programs.
#pragma once

#include "brick/host/base/crash_report.h"
#include "brick/host/base/device.h"
#include "brick/host/base/error.h"
#include "brick/host/base/log.h"
#include "brick/host/base/names.h"
#include "brick/host/base/progress.h"
#include "brick/host/base/progress_bar.h"
#include "brick/host/blocks/blocks.h"
#include "brick/host/blocks/conditional_blocks.h"
#include "brick/host/blocks/loop_blocks.h"
#include "brick/host/blocks/run_context.h"
#include "brick/host/blocks/sequential_blocks.h"
#include "brick/host/components/component_types.h"
#include "brick/host/components/components_manager.h"
#include "brick/host/components/model_search_path.h"
#include "brick/host/loader/host.h"
#include "brick/host/loader/hot_reloader.h"
#include "brick/host/loader/plugin_search.h"
#include "brick/host/loader/plugin_watcher.h"
#include "brick/host/params/params.h"
#include "brick/host/pipeline/modular_pipeline.h"
#include "brick/host/pipeline/pipeline_file.h"
#include "brick/host/pipeline/pipeline_search_path.h"
#include "brick/host/pipeline/target.h"
#include "brick/host/plugin/call_guards.h"
#include "brick/host/state/pipeline_state.h"
#include "brick/host/value/json.h"
#include "brick/host/value/value.h"
#include "brick/host/value/value_text.h"
