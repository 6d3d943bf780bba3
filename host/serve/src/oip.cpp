#include "oip.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "brick/host/base/names.h"
#include "http_error.h"
#include "json_values.h"
#include "png_pixels.h"

namespace brick::serve {

namespace json = boost::json;

namespace {

const std::vector<std::string> kIntTypes = {"INT64", "INT32", "INT16", "INT8", "UINT64", "UINT32", "UINT16", "UINT8"};
const std::vector<std::string> kFloatTypes = {"FP32", "FP64", "FP16", "BF16"};
// The spec's table, and BF16 (Triton's).
const std::vector<std::string> kAllTypes = {"BOOL",  "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16",
                                            "INT32", "INT64", "FP16",   "FP32",   "FP64",   "BF16", "BYTES"};

bool has(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::string joined(const std::vector<std::string>& items, const char* separator = ", ") {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

json::array shape_json(const std::vector<int64_t>& shape) {
  json::array out;
  for (int64_t d : shape) out.push_back(d);
  return out;
}

// torch's dtype names for OIP datatypes (the tensor literal brick reads).
const char* torch_dtype(const std::string& datatype) {
  if (datatype == "BOOL") return "bool";
  if (datatype == "UINT8") return "uint8";
  if (datatype == "INT8") return "int8";
  if (datatype == "INT16") return "int16";
  if (datatype == "INT32") return "int32";
  if (datatype == "INT64" || datatype == "UINT16" || datatype == "UINT32" || datatype == "UINT64") return "int64";
  if (datatype == "FP16") return "float16";
  if (datatype == "BF16") return "bfloat16";
  if (datatype == "FP64") return "float64";
  return "float32";
}

// OIP datatypes for torch's dtype names (a tensor output).
std::string oip_datatype(const std::string& dtype) {
  static const std::pair<const char*, const char*> table[] = {
      {"bool", "BOOL"},   {"uint8", "UINT8"},  {"int8", "INT8"},     {"int16", "INT16"},  {"int32", "INT32"},
      {"int64", "INT64"}, {"float16", "FP16"}, {"bfloat16", "BF16"}, {"float32", "FP32"}, {"float64", "FP64"},
      {"float", "FP32"},  {"double", "FP64"},  {"half", "FP16"},     {"long", "INT64"},   {"int", "INT32"}};
  for (const auto& [torch, oip] : table) {
    if (dtype == torch) return oip;
  }
  return "BYTES";
}

// A health answer: the status is the answer, the body is empty (as the spec says).
Reply health(const Request& request, bool yes, int no_status = 400) {
  Reply reply;
  reply.response = Response{yes ? http::status::ok : static_cast<http::status>(no_status), request.version()};
  reply.response.set(http::field::server, "brick-serve");
  reply.response.set(http::field::cache_control, "no-store");
  reply.response.keep_alive(request.keep_alive());
  reply.response.prepare_payload();
  return reply;
}

// The flattened elements of `data` (nested arrays in row-major order).
void flatten(const json::value& data, std::vector<const json::value*>& out, int depth, const std::string& input) {
  if (depth > 32) throw HttpError(400, "invalid_input", "input '" + input + "': data nested over 32 levels");
  if (data.is_array()) {
    for (const json::value& item : data.as_array()) flatten(item, out, depth + 1, input);
  } else {
    out.push_back(&data);
  }
}

// The flat elements nested by `shape`, for a tensor literal.
json::value nest(const std::vector<json::value>& flat, const std::vector<int64_t>& shape, size_t dim, size_t& at) {
  if (dim == shape.size()) return flat[at++];
  json::array out;
  for (int64_t i = 0; i < shape[dim]; ++i) out.push_back(nest(flat, shape, dim + 1, at));
  return out;
}

std::string base64(const std::string& bytes) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (uint32_t(uint8_t(bytes[i])) << 16) | (uint32_t(uint8_t(bytes[i + 1])) << 8) | uint8_t(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += alphabet[(n >> shift) & 63];
  }
  if (i < bytes.size()) {
    uint32_t n = uint32_t(uint8_t(bytes[i])) << 16;
    if (i + 1 < bytes.size()) n |= uint32_t(uint8_t(bytes[i + 1])) << 8;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("the image file " + path + " is gone");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// A pipeline's image_paths is "images" over OIP: the pixels, not the server's paths.
std::string oip_output_name(const std::string& name) { return name == "image_paths" ? "images" : name; }

}  // namespace

OipTensorType oip_tensor_type(const std::string& type_hint) {
  std::vector<std::string> bases, inners;
  type_alternatives(type_hint, bases, &inners);
  auto any = [&](std::initializer_list<const char*> names) {
    for (const std::string& base : bases) {
      for (const char* name : names) {
        if (base == name) return true;
      }
    }
    return false;
  };
  auto list_of = [&](const char* inner) {
    for (size_t i = 0; i < bases.size(); ++i) {
      const std::string& b = bases[i];
      if ((b == "list" || b == "List" || b == "tuple" || b == "Tuple" || b == "Sequence") && inners[i] == inner)
        return true;
    }
    return false;
  };
  OipTensorType type;
  if (any({"Tensor", "torch.Tensor"})) {
    type.kind = OipTensorType::Kind::Tensor;
    type.datatype = "FP32";
    type.shape = {-1};
    type.accepted = kAllTypes;
    // BYTES only where the input also takes a string (an image: its path).
    if (!any({"str"})) type.accepted.pop_back();
  } else if (any({"str"})) {
    type.kind = list_of("str") ? OipTensorType::Kind::List : OipTensorType::Kind::Scalar;
    type.datatype = "BYTES";
    type.shape = {type.kind == OipTensorType::Kind::List ? -1 : 1};
    type.accepted = {"BYTES"};
  } else if (any({"int"})) {
    type.kind = list_of("int") ? OipTensorType::Kind::List : OipTensorType::Kind::Scalar;
    type.datatype = "INT64";
    type.shape = {type.kind == OipTensorType::Kind::List ? -1 : 1};
    type.accepted = kIntTypes;
  } else if (any({"float"})) {
    type.kind = list_of("float") ? OipTensorType::Kind::List : OipTensorType::Kind::Scalar;
    type.datatype = "FP32";
    type.shape = {type.kind == OipTensorType::Kind::List ? -1 : 1};
    type.accepted = kFloatTypes;
  } else if (any({"bool"})) {
    type.kind = OipTensorType::Kind::Scalar;
    type.datatype = "BOOL";
    type.shape = {1};
    type.accepted = {"BOOL"};
  } else if (list_of("str")) {
    type = {OipTensorType::Kind::List, "BYTES", {-1}, {"BYTES"}};
  } else if (list_of("int")) {
    type = {OipTensorType::Kind::List, "INT64", {-1}, kIntTypes};
  } else if (list_of("float")) {
    type = {OipTensorType::Kind::List, "FP32", {-1}, kFloatTypes};
  } else {
    // Dicts, lists of anything, classes (an image), Any: one BYTES element,
    // read as JSON when it is JSON, else as the text itself (a path).
    type = {OipTensorType::Kind::Json, "BYTES", {1}, {"BYTES"}};
  }
  return type;
}

Response Oip::error(const Request& request, int status, const std::string& message) {
  Response response = json_response(request, static_cast<http::status>(status), json::object{{"error", message}});
  if (status == 429 || status == 503) response.set(http::field::retry_after, "1");
  return response;
}

std::shared_ptr<const CatalogEntry> Oip::model(const std::string& name) {
  if (auto entry = catalog_.pipeline(name)) return entry;
  std::vector<std::string> names;
  for (const auto& each : catalog_.pipelines()) names.push_back(each->name);
  if (name.find('.') != std::string::npos) {
    try {
      return catalog_.block(name);
    } catch (const HttpError&) {
      // Said below, as an unknown model.
    }
  }
  std::string message = "unknown model '" + name + "'";
  if (auto close = host::closest_name(name, names)) message += " (did you mean '" + *close + "'?)";
  throw HttpError(
      404, "unknown_model",
      message + "; the models: " + (names.empty() ? "none" : joined(names)) + ", and any block as plugin.Block");
}

Reply Oip::route(const Request& request, const std::vector<std::string>& parts) {
  http::verb method = request.method();
  auto only = [&](http::verb allowed, const char* name) {
    if (method != allowed) {
      throw HttpError(
          405, "method_not_allowed",
          std::string(request.method_string()) + " " + std::string(request.target()) + ": allowed: " + name);
    }
  };
  size_t n = parts.size();
  if (n == 1) {
    only(http::verb::get, "GET");
    return plain(
        json_response(request, http::status::ok,
                      json::object{{"name", "brick"}, {"version", BRICK_VERSION}, {"extensions", json::array{}}}));
  }
  if (n == 3 && parts[1] == "health" && (parts[2] == "live" || parts[2] == "ready")) {
    only(http::verb::get, "GET");
    // Live: the process answers (loading and draining too); ready: it takes runs.
    return health(request, parts[2] == "live" ? true : not_ready_().empty());
  }
  if (n >= 3 && parts[1] == "models") {
    // Until the pipelines are loaded no model is known: "not now" (503,
    // which a load balancer retries elsewhere), not "no such model".
    std::string why = not_ready_();
    if (!why.empty() && why != "draining") {
      if (n == 4 && parts[3] == "ready") return health(request, false);
      throw HttpError(503, "not_ready",
                      why == "loading" ? "the server is loading its pipelines (GET /v2/health/ready says when it is "
                                         "ready)"
                                       : "the server's pipelines failed to load: " + why);
    }
    size_t rest = 3;
    if (n >= 5 && parts[3] == "versions") {
      // brick serves one version of each model: the one it loaded.
      throw HttpError(404, "unknown_version",
                      "model '" + parts[2] + "' has no version '" + parts[4] +
                          "': brick serves one version of each model; leave /versions/... out of the path");
    }
    if (n == rest) {
      only(http::verb::get, "GET");
      std::shared_ptr<const CatalogEntry> entry = model(parts[2]);
      json::array inputs, outputs;
      for (const InputInfo& input : entry->inputs) {
        if (input.name == "output" && entry->writes_output) continue;  // the server names the files
        OipTensorType type = oip_tensor_type(input.type_hint);
        inputs.push_back(json::object{
            {"name", input.name},
            {"datatype", type.datatype},
            {"shape", shape_json(type.shape)},
            // Not in the spec's $metadata_tensor; clients ignore it.
            {"parameters", json::object{{"type_hint", input.type_hint},
                                        {"optional", !input.required || !input.default_value.is_null()}}}});
      }
      for (size_t i = 0; i < entry->outputs.size(); ++i) {
        const std::string& name = entry->outputs[i];
        if (name == "image_paths") {
          outputs.push_back(
              json::object{{"name", "images"}, {"datatype", "UINT8"}, {"shape", json::array{-1, -1, -1, 3}}});
          continue;
        }
        OipTensorType type = oip_tensor_type(i < entry->output_types.size() ? entry->output_types[i] : "");
        outputs.push_back(json::object{{"name", name}, {"datatype", type.datatype}, {"shape", shape_json(type.shape)}});
      }
      return plain(json_response(request, http::status::ok,
                                 json::object{{"name", entry->name},
                                              {"platform", entry->is_block ? "brick_block" : "brick_pipeline"},
                                              {"inputs", inputs},
                                              {"outputs", outputs}}));
    }
    if (n == rest + 1 && parts[rest] == "ready") {
      only(http::verb::get, "GET");
      model(parts[2]);  // 404 for an unknown model
      return health(request, not_ready_().empty());
    }
    if (n == rest + 1 && parts[rest] == "infer") {
      only(http::verb::post, "POST");
      std::shared_ptr<const CatalogEntry> entry = model(parts[2]);
      return infer(request, entry);
    }
  }
  throw HttpError(404, "unknown_route",
                  "no route " + std::string(request.method_string()) + " " +
                      std::string(request.target().substr(0, 200)) +
                      " (the Open Inference Protocol's routes: GET /v2, /v2/health/live, /v2/health/ready, "
                      "/v2/models/{name}, /v2/models/{name}/ready, POST /v2/models/{name}/infer)");
}

namespace {

// One request input as a brick input value (the JSON POST /runs takes).
json::value input_value_of(const CatalogEntry& entry, const InputInfo& info, const json::object& tensor) {
  const std::string& name = info.name;
  std::string where = "input '" + name + "' of " + entry.name;
  OipTensorType type = oip_tensor_type(info.type_hint);

  const json::value* datatype_value = tensor.if_contains("datatype");
  const json::value* shape_value = tensor.if_contains("shape");
  const json::value* data = tensor.if_contains("data");
  if (!datatype_value || !datatype_value->is_string())
    throw HttpError(400, "invalid_input", where + ": \"datatype\" (a string) is missing");
  if (!shape_value || !shape_value->is_array())
    throw HttpError(400, "invalid_input", where + ": \"shape\" (an array of sizes) is missing");
  if (!data) throw HttpError(400, "invalid_input", where + ": \"data\" is missing");
  std::string datatype(datatype_value->as_string());
  if (!has(kAllTypes, datatype))
    throw HttpError(400, "invalid_input",
                    where + ": unknown datatype '" + datatype + "' (the spec's: " + joined(kAllTypes) + ")");
  std::vector<int64_t> shape;
  uint64_t count = 1;
  for (const json::value& d : shape_value->as_array()) {
    if (!d.is_int64() && !d.is_uint64())
      throw HttpError(400, "invalid_input", where + ": a shape's sizes are non-negative integers");
    int64_t size = d.to_number<int64_t>();
    if (size < 0) throw HttpError(400, "invalid_input", where + ": a shape's sizes are non-negative integers");
    shape.push_back(size);
    count *= static_cast<uint64_t>(size);
    if (count > (uint64_t{1} << 20)) throw HttpError(400, "invalid_input", where + ": more than 2^20 elements");
  }
  if (!has(type.accepted, datatype)) {
    throw HttpError(400, "invalid_datatype",
                    where + ": datatype " + datatype + " given, expected " +
                        (type.accepted.size() == 1 ? type.accepted[0] : "one of " + joined(type.accepted)) +
                        " (its type is " + (info.type_hint.empty() ? "unknown" : info.type_hint) + ")");
  }
  std::vector<const json::value*> elements;
  flatten(*data, elements, 0, name);
  if (elements.size() != count) {
    throw HttpError(400, "shape_mismatch",
                    where + ": shape " + shape_text(shape) + " holds " + std::to_string(count) +
                        " elements, \"data\" has " + std::to_string(elements.size()));
  }
  bool is_bytes = datatype == "BYTES", is_bool = datatype == "BOOL", is_float = has(kFloatTypes, datatype);
  bool is_unsigned = datatype.rfind("UINT", 0) == 0;
  for (const json::value* e : elements) {
    bool fits = is_bytes   ? e->is_string()
                : is_bool  ? e->is_bool()
                : is_float ? e->is_number()
                           : (e->is_int64() && (!is_unsigned || e->as_int64() >= 0)) || e->is_uint64();
    if (!fits) {
      throw HttpError(400, "invalid_input",
                      where + ": a " + datatype + " element must be " +
                          (is_bytes   ? "a string"
                           : is_bool  ? "true or false"
                           : is_float ? "a number"
                                      : "an integer") +
                          ", got " + json_kind(*e));
    }
  }
  std::vector<json::value> flat;
  for (const json::value* e : elements) flat.push_back(*e);

  switch (type.kind) {
    case OipTensorType::Kind::Scalar:
      if (count != 1) {
        throw HttpError(400, "shape_mismatch", where + " is one value (shape [1]), got shape " + shape_text(shape));
      }
      return flat[0];
    case OipTensorType::Kind::List: {
      // One element where one value fits too ("str | list[str]"): the value.
      std::vector<std::string> bases;
      type_alternatives(info.type_hint, bases, nullptr);
      bool scalar_fits = has(bases, "str") || has(bases, "int") || has(bases, "float");
      if (count == 1 && scalar_fits && shape.size() <= 1) return flat[0];
      json::array list;
      for (json::value& v : flat) list.push_back(std::move(v));
      return list;
    }
    case OipTensorType::Kind::Tensor: {
      if (is_bytes) {
        if (count != 1)
          throw HttpError(400, "shape_mismatch",
                          where + ": as BYTES it is one string (shape [1]), got shape " + shape_text(shape));
        return flat[0];
      }
      size_t at = 0;
      json::object literal;
      literal["tensor"] = nest(flat, shape, 0, at);
      literal["dtype"] = torch_dtype(datatype);
      return literal;
    }
    case OipTensorType::Kind::Json:
      if (count != 1) {
        throw HttpError(400, "shape_mismatch", where + " is one value (shape [1]), got shape " + shape_text(shape));
      }
      if (flat[0].is_string()) {
        boost::system::error_code ec;
        json::value parsed = json::parse(flat[0].as_string(), ec);
        if (!ec && (parsed.is_object() || parsed.is_array())) return parsed;
      }
      return flat[0];
  }
  return nullptr;
}

// One output for the answer: {"name", "datatype", "shape", "data"}.
json::object output_tensor(const std::string& name, const json::value& value, const std::string& type_hint) {
  json::object out{{"name", name}};
  auto put = [&](const std::string& datatype, std::vector<int64_t> shape, json::array data) {
    out["datatype"] = datatype;
    out["shape"] = shape_json(shape);
    out["data"] = std::move(data);
  };
  if (value.is_object() && value.as_object().contains("dtype") && value.as_object().contains("shape")) {
    const json::object& t = value.as_object();
    std::vector<int64_t> shape;
    for (const json::value& d : t.at("shape").as_array()) shape.push_back(d.to_number<int64_t>());
    const json::value* data = t.if_contains("tensor");
    if (!data) throw std::runtime_error("output '" + name + "': the tensor's data was not kept");
    std::vector<const json::value*> elements;
    flatten(*data, elements, 0, name);
    json::array flat;
    for (const json::value* e : elements) flat.push_back(*e);
    put(oip_datatype(std::string(t.at("dtype").as_string())), shape, std::move(flat));
    return out;
  }
  OipTensorType type = oip_tensor_type(type_hint);
  switch (value.kind()) {
    case json::kind::bool_:
      put("BOOL", {1}, {value});
      return out;
    case json::kind::int64:
    case json::kind::uint64:
      put("INT64", {1}, {value});
      return out;
    case json::kind::double_:
      put(type.datatype == "FP32" ? "FP32" : "FP64", {1}, {value});
      return out;
    case json::kind::string:
      put("BYTES", {1}, {value});
      return out;
    case json::kind::array: {
      const json::array& items = value.as_array();
      auto all = [&](auto test) { return std::all_of(items.begin(), items.end(), test); };
      if (!items.empty() && all([](const json::value& v) { return v.is_string(); })) {
        put("BYTES", {static_cast<int64_t>(items.size())}, items);
        return out;
      }
      if (!items.empty() && all([](const json::value& v) { return v.is_int64() || v.is_uint64(); })) {
        put("INT64", {static_cast<int64_t>(items.size())}, items);
        return out;
      }
      if (!items.empty() && all([](const json::value& v) { return v.is_number(); })) {
        put("FP64", {static_cast<int64_t>(items.size())}, items);
        return out;
      }
      break;
    }
    default:
      break;
  }
  // Anything else (a dict, null, a mixed list): its JSON text.
  put("BYTES", {1}, {json::string(json::serialize(value))});
  return out;
}

}  // namespace

Reply Oip::infer(const Request& request, const std::shared_ptr<const CatalogEntry>& entry) {
  json::value body;
  {
    boost::system::error_code ec;
    body = json::parse(request.body(), ec);
    if (ec) throw HttpError(400, "malformed_json", "the body is not valid JSON: " + ec.message());
  }
  if (!body.is_object()) throw HttpError(400, "invalid_request", "the body must be an inference request object");
  const json::object& object = body.as_object();
  for (const auto& [key, value] : object) {
    if (key != "id" && key != "parameters" && key != "inputs" && key != "outputs") {
      throw HttpError(400, "invalid_request",
                      "unknown field '" + std::string(key) +
                          "' (an inference request has id, parameters, inputs, "
                          "outputs)");
    }
  }
  std::string id;
  if (const json::value* v = object.if_contains("id")) {
    if (!v->is_string()) throw HttpError(400, "invalid_request", "\"id\" must be a string");
    id = std::string(v->as_string());
  }
  // Parameters: "image_format": "png" (images as PNG files, base64) or
  // "raw" (UINT8 pixels, the default); Triton's binary_data is not spoken.
  bool png = false;
  auto read_parameters = [&](const json::value* parameters, const std::string& where) {
    if (!parameters) return;
    if (!parameters->is_object()) throw HttpError(400, "invalid_request", where + "\"parameters\" must be an object");
    for (const auto& [key, value] : parameters->as_object()) {
      if (key == "image_format") {
        if (value != "png" && value != "raw")
          throw HttpError(400, "invalid_request", where + "parameter image_format is \"png\" or \"raw\"");
        png = value == "png";
      } else if (key == "binary_data" || key == "binary_data_output") {
        if (value != false)
          throw HttpError(400, "invalid_request",
                          where +
                              "the binary data extension is not supported: ask for \"image_format\": \"png\" "
                              "(base64 PNG files in BYTES)");
      }
      // Other parameters are the client's own: ignored, as the spec allows.
    }
  };
  read_parameters(object.if_contains("parameters"), "");

  const json::value* inputs = object.if_contains("inputs");
  if (!inputs || !inputs->is_array())
    throw HttpError(400, "invalid_request", "\"inputs\" (an array of input tensors) is missing");
  Job job;
  job.is_block = entry->is_block;
  job.target = entry->name;
  job.max_tensor_items = uint64_t{1} << 24;  // OIP answers carry their data
  for (const json::value& item : inputs->as_array()) {
    if (!item.is_object() || !item.as_object().contains("name") || !item.as_object().at("name").is_string())
      throw HttpError(400, "invalid_request", "each input is an object with a \"name\"");
    std::string name(item.as_object().at("name").as_string());
    if (job.inputs.contains(name)) throw HttpError(400, "invalid_input", "input '" + name + "' is given twice");
    const InputInfo* info = entry->find_input(name);
    if (!info || (name == "output" && entry->writes_output)) {
      std::vector<std::string> names;
      for (const InputInfo& each : entry->inputs) {
        if (!(each.name == "output" && entry->writes_output)) names.push_back(each.name);
      }
      std::string message = "unknown input '" + name + "' for model " + entry->name;
      if (auto close = host::closest_name(name, names)) message += " (did you mean '" + *close + "'?)";
      throw HttpError(400, "unknown_input", message + "; its inputs: " + (names.empty() ? "none" : joined(names)));
    }
    job.inputs[name] = input_value_of(*entry, *info, item.as_object());
  }
  for (const InputInfo& info : entry->inputs) {
    if (info.required && info.default_value.is_null() && !job.inputs.contains(info.name)) {
      OipTensorType type = oip_tensor_type(info.type_hint);
      throw HttpError(400, "missing_input",
                      "missing input '" + info.name + "' of model " + entry->name + " (required: " + type.datatype +
                          " " + shape_text(type.shape) + ")");
    }
  }
  check_inputs(*entry, job.inputs);  // brick's own checks (the type hint) on the converted values

  // The outputs asked for, by OIP name; none: every output.
  std::vector<std::string> wanted;
  if (const json::value* outputs = object.if_contains("outputs")) {
    if (!outputs->is_array()) throw HttpError(400, "invalid_request", "\"outputs\" must be an array");
    for (const json::value& output : outputs->as_array()) {
      if (!output.is_object() || !output.as_object().contains("name") || !output.as_object().at("name").is_string())
        throw HttpError(400, "invalid_request", "each requested output is an object with a \"name\"");
      std::string name(output.as_object().at("name").as_string());
      std::vector<std::string> names;
      for (const std::string& each : entry->outputs) names.push_back(oip_output_name(each));
      if (!has(names, name)) {
        throw HttpError(400, "unknown_output",
                        "unknown output '" + name + "' of model " + entry->name + "; its outputs: " + joined(names));
      }
      read_parameters(output.as_object().if_contains("parameters"), "output '" + name + "': ");
      wanted.push_back(name);
    }
  }
  if (!png && !can_decode_png()) {
    for (const std::string& each : entry->outputs) {
      if (each == "image_paths" && (wanted.empty() || has(wanted, "images")))
        throw HttpError(501, "not_implemented",
                        "this build cannot decode PNG images to UINT8 pixels (no libpng): ask for "
                        "\"parameters\": {\"image_format\": \"png\"}");
    }
  }

  std::shared_ptr<const CatalogEntry> model_entry = entry;
  std::shared_ptr<RunRecord> run = runs_.submit(std::move(job));
  Reply reply;
  reply.kind = Reply::Kind::WaitForRun;
  reply.run = run;
  reply.answer = [model_entry, id, wanted, png](const Request& request, const RunRecord& record) -> Response {
    JobOutcome outcome = record.outcome();
    if (outcome.status != JobOutcome::Status::Done) {
      // The request's values a block refused: 400 (the spec's usual error);
      // a worker that died or an internal fault: 500; a run cancelled (the
      // server stopping past its drain timeout, or DELETE /runs/{id}): 503.
      int status = outcome.status == JobOutcome::Status::Cancelled                           ? 503
                   : outcome.error_code == "worker_died" || outcome.error_code == "internal" ? 500
                                                                                             : 400;
      return Oip::error(request, status,
                        "run " + record.id() + " of model " + model_entry->name + " " +
                            (outcome.status == JobOutcome::Status::Cancelled ? "was cancelled" : "failed") + ": " +
                            outcome.error_message);
    }
    try {
      json::array outputs;
      for (size_t i = 0; i < model_entry->outputs.size(); ++i) {
        const std::string& name = model_entry->outputs[i];
        std::string oip_name = oip_output_name(name);
        if (!wanted.empty() && !has(wanted, oip_name)) continue;
        if (name == "image_paths") {
          json::array data;
          if (png) {
            for (const std::string& file : outcome.images) data.push_back(json::string(base64(read_file(file))));
            outputs.push_back(
                json::object{{"name", "images"},
                             {"datatype", "BYTES"},
                             {"shape", json::array{static_cast<int64_t>(outcome.images.size())}},
                             {"parameters", json::object{{"content_type", "image/png"}, {"encoding", "base64"}}},
                             {"data", std::move(data)}});
            continue;
          }
          int64_t height = 0, width = 0;
          for (size_t k = 0; k < outcome.images.size(); ++k) {
            Pixels pixels = decode_png(read_file(outcome.images[k]), "image " + std::to_string(k));
            if (k == 0) {
              height = pixels.height;
              width = pixels.width;
            } else if (pixels.height != height || pixels.width != width) {
              throw std::runtime_error("the run's images differ in size: ask for image_format png");
            }
            for (uint8_t byte : pixels.rgb) data.push_back(byte);
          }
          outputs.push_back(
              json::object{{"name", "images"},
                           {"datatype", "UINT8"},
                           {"shape", json::array{static_cast<int64_t>(outcome.images.size()), height, width, 3}},
                           {"data", std::move(data)}});
          continue;
        }
        const json::value* value = outcome.outputs.if_contains(name);
        outputs.push_back(
            output_tensor(name, value ? *value : json::value(nullptr),
                          i < model_entry->output_types.size() ? model_entry->output_types[i] : std::string()));
      }
      json::object answer{{"model_name", model_entry->name}, {"outputs", std::move(outputs)}};
      if (!id.empty()) answer["id"] = id;
      answer["parameters"] = json::object{{"run", record.id()}};
      return json_response(request, http::status::ok, answer);
    } catch (const std::exception& e) {
      return Oip::error(request, 500, "run " + record.id() + ": " + e.what());
    }
  };
  return reply;
}

}  // namespace brick::serve
