// The embedding sample of docs/serve.md, compiled and run: a custom host
// serving a pipeline with the same server as `brick serve`.
#include <gtest/gtest.h>

#include <thread>

#include "http_client.h"

// [sample:embedding] (docs/serve.md shows this region; tests/docs checks it)
#include <brick/serve/server.h>

#include <cstdio>

int serve_until(const std::string& pipeline_file, const std::function<void(uint16_t port)>& work) {
  brick::serve::ServeOptions options;
  options.port = 0;  // any free port
  options.installed_pipelines = false;
  options.pipelines = {{"t2i", pipeline_file}};
  options.workers = 2;
  brick::serve::Server server(options);
  server.start();       // listening; GET /health answers 503 until the pipelines are loaded
  server.wait_ready();  // throws if a pipeline cannot be loaded
  std::printf("serving on http://127.0.0.1:%u/\n", server.port());
  work(server.port());
  server.stop(brick::serve::StopMode::Finish);  // queued and running runs complete first
  return 0;
}
// [/sample:embedding]

TEST(ServeEmbedded, TheDocsSampleServesAPipeline) {
  std::string answer;
  serve_until(BRICK_SOURCE_DIR "/pipelines/text2image.json", [&](uint16_t port) {
    answer =
        serve_test::post(port, "/runs", R"({"pipeline": "t2i", "inputs": {"prompt": "a red circle"}, "wait": true})")
            .body;
  });
  EXPECT_NE(answer.find("\"status\":\"done\""), std::string::npos) << answer;
}
