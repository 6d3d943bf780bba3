// The Open Inference Protocol (KServe v2 REST) routes of brick serve through
// a real socket on 127.0.0.1: every route with good and bad requests, and
// the status codes and error bodies the protocol specifies ({"error":
// string}). The models are the shapes text-to-image pipeline and a block
// (example.Affine: a tensor in, a tensor out).
#include <gtest/gtest.h>

#include <boost/json.hpp>  // compiled once, in libbrick
#include <thread>

#include "brick/serve/server.h"
#include "http_client.h"

namespace {

using namespace serve_test;

brick::serve::ServeOptions oip_options() {
  brick::serve::ServeOptions options;
  options.port = 0;
  options.installed_pipelines = false;
  options.search.dirs = {TEST_PLUGIN_DIR, BRICK_BINARY_DIR "/lib/brick/plugins"};
  options.pipelines = {{"text2image", BRICK_SOURCE_DIR "/pipelines/text2image.json"}};
  return options;
}

class Oip : public ::testing::Test {
 protected:
  void start(brick::serve::ServeOptions options = oip_options()) {
    server_ = std::make_unique<brick::serve::Server>(std::move(options));
    server_->start();
    server_->wait_ready();
    port_ = server_->port();
  }
  void TearDown() override {
    if (server_) server_->stop(brick::serve::StopMode::Cancel);
  }
  Answer infer(const std::string& model, const std::string& body) {
    return post(port_, "/v2/models/" + model + "/infer", body);
  }
  // An OIP error: the status, and a body that is {"error": "<message>"} only.
  void expect_error(const Answer& answer, int status, const std::string& mentions) {
    EXPECT_EQ(answer.status, status) << answer.body;
    json::object body = answer.object();
    ASSERT_EQ(body.size(), 1u) << answer.body;
    ASSERT_TRUE(body["error"].is_string()) << answer.body;
    EXPECT_NE(std::string(body["error"].as_string()).find(mentions), std::string::npos) << answer.body;
  }
  static json::object input_of(const json::object& metadata, const std::string& name) {
    for (const json::value& input : metadata.at("inputs").as_array()) {
      if (input.at("name") == json::value(name)) return input.as_object();
    }
    return {};
  }

  std::unique_ptr<brick::serve::Server> server_;
  uint16_t port_ = 0;
};

TEST_F(Oip, HealthAndMetadata) {
  start();
  Answer live = get(port_, "/v2/health/live");
  EXPECT_EQ(live.status, 200);
  EXPECT_TRUE(live.body.empty()) << live.body;  // the status is the answer
  EXPECT_EQ(get(port_, "/v2/health/ready").status, 200);
  EXPECT_EQ(get(port_, "/v2/models/text2image/ready").status, 200);
  EXPECT_EQ(get(port_, "/v2/models/example.Affine/ready").status, 200);

  json::object server = get(port_, "/v2").object();
  EXPECT_EQ(server["name"], "brick");
  EXPECT_TRUE(server["version"].is_string());
  EXPECT_TRUE(server["extensions"].is_array());

  Answer model = get(port_, "/v2/models/text2image");
  ASSERT_EQ(model.status, 200) << model.body;
  json::object metadata = model.object();
  EXPECT_EQ(metadata["name"], "text2image");
  EXPECT_EQ(metadata["platform"], "brick_pipeline");
  // Datatypes from each input's type hint.
  EXPECT_EQ(input_of(metadata, "prompt")["datatype"], "BYTES");
  EXPECT_EQ(input_of(metadata, "seed")["datatype"], "INT64");
  EXPECT_EQ(input_of(metadata, "num_inference_steps")["datatype"], "INT64");
  EXPECT_EQ(input_of(metadata, "guidance_scale")["datatype"], "FP32");
  EXPECT_EQ(input_of(metadata, "guidance_scale")["shape"], (json::array{1}));
  EXPECT_TRUE(input_of(metadata, "output").empty()) << "the server names the files";
  json::array outputs = metadata["outputs"].as_array();
  ASSERT_EQ(outputs.size(), 1u);
  EXPECT_EQ(outputs[0].at("name"), "images");
  EXPECT_EQ(outputs[0].at("datatype"), "UINT8");
  EXPECT_EQ(outputs[0].at("shape"), (json::array{-1, -1, -1, 3}));

  json::object block = get(port_, "/v2/models/example.Affine").object();
  EXPECT_EQ(block["platform"], "brick_block");
  EXPECT_EQ(input_of(block, "x")["datatype"], "FP32");
  EXPECT_EQ(block["outputs"].as_array()[0].at("name"), "y");

  // Unknown models, versions and routes; wrong methods.
  expect_error(get(port_, "/v2/models/text2imgae"), 404, "did you mean 'text2image'");
  EXPECT_EQ(get(port_, "/v2/models/nope/ready").status, 404);
  expect_error(get(port_, "/v2/models/text2image/versions/3"), 404, "one version");
  expect_error(get(port_, "/v2/models/text2image/versions/3/infer"), 404, "one version");
  expect_error(get(port_, "/v2/nothing"), 404, "Open Inference Protocol");
  expect_error(post(port_, "/v2/health/live", "{}"), 405, "allowed: GET");
  expect_error(get(port_, "/v2/models/text2image/infer"), 405, "allowed: POST");
}

TEST_F(Oip, InferTextToImageAsPixelsAndAsPng) {
  start();
  const std::string inputs = R"("inputs": [
      {"name": "prompt", "datatype": "BYTES", "shape": [1], "data": ["a red circle"]},
      {"name": "seed", "datatype": "INT64", "shape": [1], "data": [7]},
      {"name": "guidance_scale", "datatype": "FP32", "shape": [1], "data": [5.0]},
      {"name": "num_inference_steps", "datatype": "INT64", "shape": [1], "data": [4]}])";
  Answer raw = infer("text2image", R"({"id": "req-1", )" + inputs + "}");
  ASSERT_EQ(raw.status, 200) << raw.body.substr(0, 500);
  json::object answer = raw.object();
  EXPECT_EQ(answer["model_name"], "text2image");
  EXPECT_EQ(answer["id"], "req-1");
  json::array outputs = answer["outputs"].as_array();
  ASSERT_EQ(outputs.size(), 1u);
  json::object images = outputs[0].as_object();
  EXPECT_EQ(images["name"], "images");
  EXPECT_EQ(images["datatype"], "UINT8");
  ASSERT_EQ(images["shape"], (json::array{1, 64, 64, 3}));
  json::array& data = images["data"].as_array();
  ASSERT_EQ(data.size(), 64u * 64u * 3u);
  // A red circle on a background: the centre pixel is red.
  size_t centre = (32 * 64 + 32) * 3;
  EXPECT_GT(data[centre].as_int64(), 150) << "R";
  EXPECT_LT(data[centre + 1].as_int64(), 100) << "G";
  EXPECT_LT(data[centre + 2].as_int64(), 100) << "B";
  for (const json::value& v : data) ASSERT_TRUE(v.is_int64() && v.as_int64() >= 0 && v.as_int64() <= 255);

  // The same request, the image as its PNG file (base64): the very bytes the
  // run of the first request wrote (the same seed gives the same image).
  Answer png = infer("text2image", R"({"parameters": {"image_format": "png"}, )" + inputs + "}");
  ASSERT_EQ(png.status, 200) << png.body.substr(0, 500);
  json::object png_output = png.object()["outputs"].as_array()[0].as_object();
  EXPECT_EQ(png_output["datatype"], "BYTES");
  EXPECT_EQ(png_output["shape"], (json::array{1}));
  EXPECT_EQ(png_output["parameters"].at("content_type"), "image/png");
  std::string first_run(answer["parameters"].at("run").as_string());
  Answer file = get(port_, "/runs/" + first_run + "/images/0.png");
  ASSERT_EQ(file.status, 200);
  std::string encoded(png_output["data"].as_array()[0].as_string());
  std::string decoded;
  {
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    uint32_t bits = 0;
    int count = 0;
    for (char c : encoded) {
      if (c == '=') break;
      bits = (bits << 6) | static_cast<uint32_t>(alphabet.find(c));
      count += 6;
      if (count >= 8) {
        count -= 8;
        decoded += static_cast<char>((bits >> count) & 0xff);
      }
    }
  }
  EXPECT_EQ(decoded, file.body);
  EXPECT_EQ(decoded.substr(1, 3), "PNG");

  // A list of prompts: a batch of two images.
  Answer batch = infer("text2image", R"({"inputs": [
      {"name": "prompt", "datatype": "BYTES", "shape": [2], "data": ["a red circle", "a blue square"]},
      {"name": "num_inference_steps", "datatype": "INT64", "shape": [1], "data": [2]}],
      "outputs": [{"name": "images"}]})");
  ASSERT_EQ(batch.status, 200) << batch.body.substr(0, 500);
  EXPECT_EQ(batch.object()["outputs"].as_array()[0].at("shape"), (json::array{2, 64, 64, 3}));
}

TEST_F(Oip, InferATensorBlock) {
  start();
  Answer answer = infer("example.Affine", R"({"inputs": [
      {"name": "x", "datatype": "FP32", "shape": [2, 2], "data": [1, 2, 3, 4]},
      {"name": "scale", "datatype": "FP32", "shape": [1], "data": [3.0]},
      {"name": "shift", "datatype": "FP64", "shape": [1], "data": [0.5]}]})");
  ASSERT_EQ(answer.status, 200) << answer.body;
  json::object y = answer.object()["outputs"].as_array()[0].as_object();
  EXPECT_EQ(y["name"], "y");
  EXPECT_EQ(y["datatype"], "FP32");
  EXPECT_EQ(y["shape"], (json::array{2, 2}));
  json::array expected{3.5, 6.5, 9.5, 12.5};
  ASSERT_EQ(y["data"].as_array().size(), 4u);
  for (size_t i = 0; i < 4; ++i) EXPECT_DOUBLE_EQ(y["data"].as_array()[i].to_number<double>(), expected[i].as_double());

  // Data in its nested form, an integer tensor (its dtype kept), and a
  // tensor over 4096 elements (brick's own API drops such data; OIP keeps it).
  Answer nested = infer("example.Affine", R"({"inputs": [
      {"name": "x", "datatype": "INT64", "shape": [1, 3], "data": [[1, 2, 3]]}]})");
  ASSERT_EQ(nested.status, 200) << nested.body;
  json::object n = nested.object()["outputs"].as_array()[0].as_object();
  EXPECT_EQ(n["shape"], (json::array{1, 3}));
  EXPECT_EQ(n["data"].as_array()[2].to_number<double>(), 6.0);  // scale 2 by default

  std::string big = R"({"inputs": [{"name": "x", "datatype": "FP32", "shape": [5000], "data": [)";
  for (int i = 0; i < 5000; ++i) {
    if (i) big.push_back(',');
    big.append(std::to_string(i));
  }
  Answer large = infer("example.Affine", big + "]}]}");
  ASSERT_EQ(large.status, 200) << large.body.substr(0, 300);
  json::object l = large.object()["outputs"].as_array()[0].as_object();
  ASSERT_EQ(l["data"].as_array().size(), 5000u);
  EXPECT_EQ(l["data"].as_array()[4999].to_number<double>(), 9998.0);
}

TEST_F(Oip, BadRequestsGetTheProtocolsErrors) {
  start();
  const std::string prompt = R"({"name": "prompt", "datatype": "BYTES", "shape": [1], "data": ["a cat"]})";
  // Wrong datatype: an int input given FP32, a string input given INT64.
  expect_error(
      infer("text2image", R"({"inputs": [{"name": "seed", "datatype": "FP32", "shape": [1], "data": [1.5]}]})"), 400,
      "input 'seed' of text2image: datatype FP32 given, expected one of INT64");
  expect_error(
      infer("text2image", R"({"inputs": [{"name": "prompt", "datatype": "INT64", "shape": [1], "data": [3]}]})"), 400,
      "datatype INT64 given, expected BYTES");
  expect_error(
      infer("text2image", R"({"inputs": [{"name": "prompt", "datatype": "BYTES", "shape": [1], "data": [3]}]})"), 400,
      "a BYTES element must be a string");
  expect_error(infer("text2image", R"({"inputs": [{"name": "seed", "datatype": "INT65", "shape": [1], "data": [1]}]})"),
               400, "unknown datatype 'INT65'");
  // Shape mismatch: the shape's element count against the data's, and a
  // one-value input given several.
  expect_error(
      infer("example.Affine", R"({"inputs": [{"name": "x", "datatype": "FP32", "shape": [2, 2], "data": [1, 2, 3]}]})"),
      400, "shape [2, 2] holds 4 elements, \"data\" has 3");
  expect_error(
      infer("text2image", R"({"inputs": [{"name": "seed", "datatype": "INT64", "shape": [3], "data": [1, 2, 3]}]})"),
      400, "is one value (shape [1]), got shape [3]");
  expect_error(
      infer("text2image", R"({"inputs": [{"name": "seed", "datatype": "INT64", "shape": [-1], "data": [1]}]})"), 400,
      "non-negative");
  // Unknown model, missing and unknown inputs, unknown outputs.
  expect_error(infer("text2imag", "{\"inputs\": [" + prompt + "]}"), 404, "unknown model 'text2imag'");
  expect_error(infer("example.Nope", R"({"inputs": []})"), 404, "unknown model 'example.Nope'");
  expect_error(
      infer("example.Affine", R"({"inputs": [{"name": "scale", "datatype": "FP32", "shape": [1], "data": [2]}]})"), 400,
      "missing input 'x' of model example.Affine");
  expect_error(
      infer("text2image", R"({"inputs": [{"name": "promt", "datatype": "BYTES", "shape": [1], "data": ["x"]}]})"), 400,
      "did you mean 'prompt'");
  expect_error(
      infer("text2image", R"({"inputs": [{"name": "output", "datatype": "BYTES", "shape": [1], "data": ["/etc/x"]}]})"),
      400, "unknown input 'output'");
  expect_error(infer("text2image", "{\"inputs\": [" + prompt + "], \"outputs\": [{\"name\": \"latents\"}]}"), 400,
               "unknown output 'latents'");
  expect_error(infer("text2image", "{\"inputs\": [" + prompt + ", " + prompt + "]}"), 400, "given twice");
  // Malformed requests.
  expect_error(infer("text2image", "{\"inputs\": "), 400, "not valid JSON");
  expect_error(infer("text2image", "{}"), 400, "\"inputs\"");
  expect_error(infer("text2image", R"({"inputs": [{"name": "seed", "shape": [1], "data": [1]}]})"), 400,
               "\"datatype\"");
  expect_error(infer("text2image", "{\"inputs\": [" + prompt + "], \"parameters\": {\"binary_data_output\": true}}"),
               400, "binary data extension is not supported");
  expect_error(infer("text2image", "{\"inputs\": [" + prompt + "], \"extra\": 1}"), 400, "unknown field 'extra'");
  // A block that throws: the run fails, 400 with the block's message.
  expect_error(infer("test_throwing.Explode", R"({"inputs": []})"), 400, "boom");
}

TEST_F(Oip, ProbesNeedNoTokenTheRestDoes) {
  brick::serve::ServeOptions options = oip_options();
  options.token = "s3cret";
  start(options);
  EXPECT_EQ(get(port_, "/v2/health/live").status, 200);
  EXPECT_EQ(get(port_, "/v2/health/ready").status, 200);
  expect_error(get(port_, "/v2/models/text2image"), 401, "Authorization: Bearer");
  EXPECT_EQ(get(port_, "/v2/models/text2image", {{"Authorization", "Bearer s3cret"}}).status, 200);
}

TEST_F(Oip, DrainingFailsReadinessAndRefusesNewRuns) {
  start();
  server_->begin_drain();
  EXPECT_EQ(get(port_, "/v2/health/live").status, 200);
  EXPECT_EQ(get(port_, "/v2/health/ready").status, 400);
  EXPECT_EQ(get(port_, "/v2/models/text2image/ready").status, 400);
  Answer health = get(port_, "/health");
  EXPECT_EQ(health.status, 503);
  EXPECT_EQ(health.object()["status"], "draining");
  Answer refused =
      infer("text2image", R"({"inputs": [{"name": "prompt", "datatype": "BYTES", "shape": [1], "data": ["x"]}]})");
  expect_error(refused, 503, "draining");
  EXPECT_EQ(refused.headers["Retry-After"], "1");
  EXPECT_TRUE(server_->drain(std::chrono::seconds(10)));  // nothing was taken: idle once the answers are written
}

}  // namespace
