// Oip: the Open Inference Protocol (KServe's "Predict Protocol - Version 2")
// over REST, beside brick's own API, so that KServe's and Triton's clients
// can use a brick server (docs/serve.md, "Open Inference Protocol"). Each
// served pipeline is a model, and so is each block (plugin.Block, opened on
// first use as POST /runs does). Routes, under /v2:
//
//   GET  /v2/health/live              200 while the process answers (draining too)
//   GET  /v2/health/ready             200 ready, 400 loading or draining
//   GET  /v2                          {"name", "version", "extensions"}
//   GET  /v2/models/{name}            {"name", "platform", "inputs", "outputs"}
//   GET  /v2/models/{name}/ready      200 ready, 400 not now, 404 no such model
//   POST /v2/models/{name}/infer      tensors in, tensors out (waits for the run)
//
// A pipeline input's OIP datatype and shape come from its type hint (str:
// BYTES [1], int: INT64 [1], float: FP32 [1], bool: BOOL [1], list[str]: BYTES
// [-1], Tensor: FP32 [-1] and any numeric datatype); images (a pipeline's
// image_paths) come back as "images", UINT8 [N, H, W, 3], or as base64 PNG
// files (BYTES [N]) when the request's parameters say "image_format": "png".
// Errors are {"error": "message"} (the spec's error object).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "api_types.h"
#include "catalog.h"
#include "run_manager.h"

namespace brick::serve {

class Oip {
 public:
  // `not_ready`: "" when runs are taken, else why not ("loading",
  // "draining", or the loading error).
  Oip(Catalog& catalog, RunManager& runs, std::function<std::string()> not_ready)
      : catalog_(catalog), runs_(runs), not_ready_(std::move(not_ready)) {}

  // A request whose path's first part is "v2"; `parts` is the path split at '/'.
  Reply route(const Request& request, const std::vector<std::string>& parts);

  // The spec's error object: {"error": message}.
  static Response error(const Request& request, int status, const std::string& message);

 private:
  Reply infer(const Request& request, const std::shared_ptr<const CatalogEntry>& entry);
  std::shared_ptr<const CatalogEntry> model(const std::string& name);

  Catalog& catalog_;
  RunManager& runs_;
  std::function<std::string()> not_ready_;
};

// An input's or output's OIP datatype and shape, from its type hint (for the
// model metadata, and to check and convert an infer request's tensors).
struct OipTensorType {
  enum class Kind { Scalar, List, Tensor, Json } kind = Kind::Json;
  std::string datatype;               // what the metadata says
  std::vector<int64_t> shape;         // -1: any size
  std::vector<std::string> accepted;  // the datatypes a request may give
};
OipTensorType oip_tensor_type(const std::string& type_hint);

}  // namespace brick::serve
