#include "job.h"

namespace brick::serve {

namespace json = boost::json;

namespace {

std::string text(const json::object& object, const char* key) {
  const json::value* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

}  // namespace

json::object Job::to_json() const {
  json::array output_list;
  for (const std::string& name : outputs) output_list.push_back(json::string(name));
  return {{"id", id},         {"is_block", is_block},   {"target", target}, {"workflow", workflow},
          {"inputs", inputs}, {"outputs", output_list}, {"dir", dir},       {"max_tensor_items", max_tensor_items}};
}

Job Job::from_json(const json::object& object) {
  Job job;
  job.id = text(object, "id");
  job.is_block = object.at("is_block").as_bool();
  job.target = text(object, "target");
  job.workflow = text(object, "workflow");
  job.inputs = object.at("inputs").as_object();
  for (const json::value& name : object.at("outputs").as_array()) job.outputs.emplace_back(name.as_string());
  job.dir = text(object, "dir");
  if (const json::value* max = object.if_contains("max_tensor_items"))
    job.max_tensor_items = max->to_number<uint64_t>();
  return job;
}

json::object JobOutcome::to_json() const {
  json::array image_list;
  for (const std::string& path : images) image_list.push_back(json::string(path));
  const char* names[] = {"done", "failed", "cancelled"};
  return {{"status", names[static_cast<int>(status)]},
          {"outputs", outputs},
          {"images", image_list},
          {"error_code", error_code},
          {"error_message", error_message},
          {"block", block}};
}

JobOutcome JobOutcome::from_json(const json::object& object) {
  JobOutcome outcome;
  std::string status = text(object, "status");
  outcome.status = status == "done" ? Status::Done : status == "failed" ? Status::Failed : Status::Cancelled;
  outcome.outputs = object.at("outputs").as_object();
  for (const json::value& path : object.at("images").as_array()) outcome.images.emplace_back(path.as_string());
  outcome.error_code = text(object, "error_code");
  outcome.error_message = text(object, "error_message");
  outcome.block = text(object, "block");
  return outcome;
}

}  // namespace brick::serve
