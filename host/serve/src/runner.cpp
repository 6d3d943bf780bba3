#include "runner.h"

#include <filesystem>

#include "brick/host/base/device.h"
#include "brick/host/base/error.h"
#include "brick/host/blocks/run_context.h"
#include "http_error.h"
#include "json_values.h"

namespace brick::serve {

namespace json = boost::json;

brick_device serve_device(const std::string& text) {
  brick_device device = host::parse_device(text);
  host::check_device(device);
  return device;
}

void Runner::prepare() {
  for (const auto& entry : catalog_.pipelines()) pipeline_for(*entry, "");
}

host::ModularPipeline& Runner::pipeline_for(const CatalogEntry& entry, const std::string& workflow) {
  std::string key = (entry.is_block ? "block:" : "pipeline:") + entry.name + "\n" + workflow;
  auto it = pipelines_.find(key);
  if (it == pipelines_.end()) it = pipelines_.emplace(key, catalog_.make_pipeline(entry, workflow, device_)).first;
  return it->second;
}

JobOutcome Runner::run(const Job& job, const JobEvents& events, std::shared_ptr<const std::atomic<bool>> cancel) {
  JobOutcome outcome;
  try {
    std::shared_ptr<const CatalogEntry> entry =
        job.is_block ? catalog_.block(job.target) : catalog_.pipeline(job.target);
    if (!entry) throw HttpError(404, "unknown_pipeline", "unknown pipeline '" + job.target + "'");
    host::ModularPipeline& pipe = pipeline_for(*entry, job.workflow);

    host::Kwargs given;
    for (const auto& [key, value] : job.inputs) given.emplace_back(std::string(key), input_value(value, key));
    if (entry->writes_output) {
      std::filesystem::create_directories(job.dir);
      given.emplace_back("output", host::Value((std::filesystem::path(job.dir) / "image.png").string()));
    }
    host::Kwargs inputs = entry->target.file ? entry->target.file->inputs_with(given) : given;

    host::RunOptions options;
    options.run_id = job.id;
    options.cancel = std::move(cancel);
    if (events.progress) {
      options.progress = [&events](const host::ProgressRecord& record) {
        events.progress(record.done, record.total, std::string(record.source));
      };
    }
    host::PipelineState state = pipe.run(inputs, options);

    const std::vector<std::string>& names = job.outputs.empty() ? entry->outputs : job.outputs;
    for (const std::string& name : names) {
      const host::Value* value = state.find(name);
      outcome.outputs[name] = value ? output_json(*value, job.max_tensor_items) : json::value(nullptr);
    }
    if (const host::Value* paths = state.find("image_paths"); paths && paths->kind() == host::Value::Kind::List) {
      for (const host::Value& path : paths->as_list()) {
        if (path.kind() == host::Value::Kind::String) outcome.images.push_back(path.as_string());
      }
    }
  } catch (const host::BlockError& e) {
    outcome.status = e.status() == BRICK_ERR_CANCELLED ? JobOutcome::Status::Cancelled : JobOutcome::Status::Failed;
    outcome.error_code = e.status() == BRICK_ERR_CANCELLED ? "cancelled" : "block_failed";
    outcome.error_message = e.what();
    outcome.block = e.block();
  } catch (const host::Error& e) {
    outcome.status = e.status() == BRICK_ERR_CANCELLED ? JobOutcome::Status::Cancelled : JobOutcome::Status::Failed;
    outcome.error_code = e.status() == BRICK_ERR_CANCELLED ? "cancelled" : "run_failed";
    outcome.error_message = e.what();
  } catch (const HttpError& e) {
    outcome.status = JobOutcome::Status::Failed;
    outcome.error_code = e.code();
    outcome.error_message = e.what();
  } catch (const std::exception& e) {
    outcome.status = JobOutcome::Status::Failed;
    outcome.error_code = "run_failed";
    outcome.error_message = e.what();
  }
  return outcome;
}

}  // namespace brick::serve
