#include "brick/batch/jobs.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "brick/host/base/error.h"
#include "brick/host/base/names.h"
#include "brick/host/value/json.h"

namespace brick::batch {

bool is_job_id(std::string_view id) {
  if (id.empty() || id.size() > 128 || id.front() == '.') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

JobList parse_jobs(std::string_view text) {
  JobList list;
  std::map<std::string, int> seen;  // id -> line
  int line_number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    auto fail = [&](std::string message) { list.errors.push_back({line_number, std::move(message)}); };

    host::Value value;
    try {
      value = host::parse_json(line);
    } catch (const host::Error& e) {
      fail(e.what());
      continue;
    }
    if (value.kind() != host::Value::Kind::Dict) {
      fail(std::string("expected a JSON object of the job's inputs, got ") + value.kind_name());
      continue;
    }
    Job job;
    job.line = line_number;
    job.id = std::to_string(line_number);
    bool ok = true;
    for (const auto& [name, input] : value.as_dict()) {
      if (name == "id") {
        if (input.kind() == host::Value::Kind::String) {
          job.id = input.as_string();
        } else if (input.kind() == host::Value::Kind::Int) {
          job.id = std::to_string(input.as_int());
        } else {
          fail(std::string("id: expected text or an integer, got ") + input.kind_name());
          ok = false;
          break;
        }
        if (!is_job_id(job.id)) {
          fail("id '" + job.id +
               "' cannot name a file: use 1 to 128 letters, digits, '.', '_' or '-', not starting with '.'");
          ok = false;
          break;
        }
      } else if (name == "output") {
        fail("output: brick batch names each job's files after its id in --out; remove `output`");
        ok = false;
        break;
      } else {
        job.inputs.emplace_back(name, input);
      }
    }
    if (!ok) continue;
    auto [it, inserted] = seen.emplace(job.id, line_number);
    if (!inserted) {
      fail("id '" + job.id + "' is already the id of line " + std::to_string(it->second));
      continue;
    }
    list.jobs.push_back(std::move(job));
  }
  return list;
}

JobList read_jobs(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read the jobs file '" + path.string() + "'");
  std::stringstream text;
  text << in.rdbuf();
  return parse_jobs(text.str());
}

std::string format_job_errors(const std::string& origin, const std::vector<JobLineError>& errors) {
  std::string out;
  for (const JobLineError& error : errors)
    out += origin + ":" + std::to_string(error.line) + ": " + error.message + "\n";
  return out;
}

std::vector<JobLineError> check_job_inputs(const std::vector<Job>& jobs, const std::vector<std::string>& known) {
  std::vector<JobLineError> errors;
  for (const Job& job : jobs) {
    for (const auto& [name, value] : job.inputs) {
      if (std::find(known.begin(), known.end(), name) != known.end()) continue;
      errors.push_back({job.line, host::unknown_name_message("input", name, known)});
    }
  }
  return errors;
}

}  // namespace brick::batch
