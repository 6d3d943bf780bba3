#include "brick/batch/job_runner.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <system_error>

#include "brick/batch/sha256.h"
#include "brick/host/base/error.h"
#include "brick/host/base/names.h"
#include "brick/host/pipeline/assignments.h"
#include "brick/host/pipeline/target.h"
#include "brick/host/value/value_text.h"

namespace brick::batch {

namespace fs = std::filesystem;

struct JobRunner::State {
  RunnerOptions options;
  host::Target target;
  std::optional<host::ModularPipeline> pipe;
  std::vector<std::string> input_names;
  host::Kwargs defaults;
  std::string extension = ".png";  // of the files: the pipeline's default output's
  std::string host_name;
};

fs::path partial_dir(const fs::path& out_dir) { return out_dir / ".partial"; }

namespace {

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string machine_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

}  // namespace

JobRunner::JobRunner(const RunnerOptions& options) : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.options = options;
  s.host_name = machine_name();
  s.target = host::open_target(options.pipeline, options.search, options.lock);
  s.pipe.emplace(s.target.init_pipeline());
  // On the device first, so that components load straight onto it.
  s.pipe->to(options.device);
  s.pipe->load_components();

  std::vector<host::InputParam> declared = s.pipe->blocks()->inputs();
  s.input_names = host::assignable_inputs(*s.pipe);
  if (!contains(s.input_names, "output")) {
    throw UsageError(options.pipeline +
                     " declares no 'output' input: brick batch keeps the files a job writes, named after its id");
  }
  // The files take the extension of the pipeline's own default output.
  host::Kwargs file_inputs = s.target.file ? s.target.file->inputs() : host::Kwargs{};
  for (const auto& [name, value] : file_inputs) {
    if (name == "output" && value.kind() == host::Value::Kind::String) {
      std::string extension = fs::path(value.as_string()).extension().string();
      if (!extension.empty()) s.extension = extension;
    }
  }
  for (const host::InputParam& input : declared) {
    if (input.name == "output" && input.default_value.kind() == host::Value::Kind::String && !s.target.file) {
      std::string extension = fs::path(input.default_value.as_string()).extension().string();
      if (!extension.empty()) s.extension = extension;
    }
  }

  for (const std::string& assignment : options.defaults) {
    if (assignment.rfind("output=", 0) == 0)
      throw UsageError("output: brick batch names each job's files after its id in --out");
  }
  host::AssignmentOptions assignment_options;
  assignment_options.what_for = options.pipeline;
  try {
    s.defaults = host::apply_assignments(*s.pipe, options.defaults, assignment_options);
  } catch (const host::Error& e) {
    if (e.status() == BRICK_ERR_INVALID_ARGUMENT) throw UsageError(e.what());
    throw;
  }
}

JobRunner::~JobRunner() = default;

const std::vector<std::string>& JobRunner::input_names() const { return state_->input_names; }

host::Value JobRunner::recorded_inputs(const Job& job) const {
  host::Value::Dict inputs;
  for (const auto& [name, value] : job.inputs) inputs.emplace_back(name, host::value_for_json(value));
  for (const auto& [name, value] : state_->defaults) {
    bool set =
        std::any_of(job.inputs.begin(), job.inputs.end(), [&](const auto& entry) { return entry.first == name; });
    if (!set) inputs.emplace_back(name, host::value_for_json(value));
  }
  return host::Value::dict(std::move(inputs));
}

ManifestRecord JobRunner::run(const Job& job) {
  State& s = *state_;
  ManifestRecord record;
  record.id = job.id;
  record.rank = s.options.rank;
  record.host = s.host_name;
  auto start = std::chrono::steady_clock::now();
  // A folder of its own per attempt: a rank killed midway leaves only files
  // under .partial, never one with the job's final name.
  fs::path scratch = partial_dir(s.options.out_dir) / (job.id + ".rank" + std::to_string(s.options.rank));
  std::error_code ignored;
  try {
    record.inputs = recorded_inputs(job);
    fs::remove_all(scratch, ignored);
    fs::create_directories(scratch);
    host::Kwargs given = s.defaults;
    for (const auto& [name, value] : job.inputs) {
      auto it = std::find_if(given.begin(), given.end(), [&](const auto& entry) { return entry.first == name; });
      if (it != given.end()) {
        it->second = value;
      } else {
        given.emplace_back(name, value);
      }
    }
    given.emplace_back("output", host::Value((scratch / (job.id + s.extension)).string()));
    host::Kwargs inputs = s.target.file ? s.target.file->inputs_with(given) : given;
    host::RunOptions run;
    run.run_id = job.id;
    s.pipe->run(inputs, run);

    std::vector<fs::path> written;
    for (const fs::directory_entry& entry : fs::directory_iterator(scratch)) {
      if (entry.is_regular_file()) written.push_back(entry.path());
    }
    std::sort(written.begin(), written.end());
    if (written.empty()) throw std::runtime_error("the pipeline wrote no file");
    for (const fs::path& file : written) {
      fs::path final_path = s.options.out_dir / file.filename();
      fs::rename(file, final_path);
      record.outputs.push_back({file.filename().string(), sha256_file(final_path)});
    }
  } catch (const std::exception& e) {
    record.outputs.clear();
    record.error = e.what();
    if (record.error.empty()) record.error = "failed";
  }
  fs::remove_all(scratch, ignored);
  record.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return record;
}

}  // namespace brick::batch
