// Job: one run as a worker sees it (in this process or in a worker process,
// where it arrives as JSON), and what running it reports back.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace brick::serve {

struct Job {
  std::string id;
  bool is_block = false;
  std::string target;  // a pipeline's name, or plugin.Block
  std::string workflow;
  boost::json::object inputs;        // checked against the target (check_inputs)
  std::vector<std::string> outputs;  // empty: the target's outputs
  std::string dir;                   // the folder the run's files go to
  // Tensors of more elements are answered without their data (dtype and
  // shape); the Open Inference Protocol route asks for all of it.
  uint64_t max_tensor_items = 4096;

  boost::json::object to_json() const;
  static Job from_json(const boost::json::object& object);
};

// How a job ended.
struct JobOutcome {
  enum class Status { Done, Failed, Cancelled } status = Status::Done;
  boost::json::object outputs;      // Done: name -> output_json
  std::vector<std::string> images;  // Done: the PNG files written (image_paths)
  std::string error_code;           // Failed / Cancelled
  std::string error_message;
  std::string block;  // the failing block, when known

  boost::json::object to_json() const;
  static JobOutcome from_json(const boost::json::object& object);
};

// What a running job reports as it goes.
struct JobEvents {
  std::function<void(int64_t done, int64_t total, const std::string& source)> progress;
};

}  // namespace brick::serve
