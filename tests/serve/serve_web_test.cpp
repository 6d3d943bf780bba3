// The web page of brick serve in a real browser: headless Chromium (Debian's
// chromium) opens the page of a running server, types a prompt, presses
// Generate and waits for the image; the test checks the PNG it shows and
// keeps a screenshot (build/tests/serve/artifacts/serve_web_page.png).
// Skipped when Chromium is not installed.
#include <gtest/gtest.h>

#include <boost/json.hpp>  // compiled once, in libbrick
#include <filesystem>
#include <fstream>

#include "brick/serve/server.h"
#include "cdp_pipe.h"
#include "http_client.h"

namespace {

using namespace serve_test;
namespace fs = std::filesystem;

std::string base64_decode(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  int bits = 0, buffer = 0;
  for (char c : text) {
    int v = value(c);
    if (v < 0) continue;
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return out;
}

uint32_t big_endian(const std::string& bytes, size_t at) {
  return (uint32_t(uint8_t(bytes[at])) << 24) | (uint32_t(uint8_t(bytes[at + 1])) << 16) |
         (uint32_t(uint8_t(bytes[at + 2])) << 8) | uint32_t(uint8_t(bytes[at + 3]));
}

bool is_png(const std::string& bytes) { return bytes.size() > 24 && bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0; }

std::string find_chromium() {
  for (const char* path : {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}) {
    if (fs::exists(path)) return path;
  }
  return {};
}

// Evaluates `expression` in the page until it yields `want`, or fails after
// `tries` polls (a hang guard: the page normally gets there in a second).
std::string evaluate(Chromium& browser, const std::string& session, const std::string& expression) {
  boost::json::object result = browser.call(
      "Runtime.evaluate", {{"expression", expression}, {"returnByValue", true}, {"awaitPromise", true}}, session);
  const boost::json::value& value = result["result"].as_object()["value"];
  return value.is_string() ? std::string(value.as_string()) : boost::json::serialize(value);
}

std::string wait_for(Chromium& browser, const std::string& session, const std::string& expression,
                     const std::vector<std::string>& ends) {
  std::string value;
  for (int i = 0; i < 1200; ++i) {
    value = evaluate(browser, session, expression);
    for (const std::string& end : ends) {
      if (value == end) return value;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return value;
}

TEST(ServeWebPage, GeneratesAnImageInHeadlessChromium) {
  std::string chromium = find_chromium();
  if (chromium.empty()) GTEST_SKIP() << "no chromium (Debian: apt-get install chromium)";

  brick::serve::ServeOptions options;
  options.port = 0;
  options.installed_pipelines = false;
  options.search.dirs = {BRICK_BINARY_DIR "/lib/brick/plugins"};
  options.pipelines = {{"text2image", BRICK_SOURCE_DIR "/pipelines/text2image.json"}};
  brick::serve::Server server(options);
  server.start();
  server.wait_ready();
  std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/";

  fs::path profile = fs::temp_directory_path() / ("brick-serve-chromium-" + std::to_string(getpid()));
  fs::path artifacts = fs::path(BRICK_BINARY_DIR) / "tests/serve/artifacts";
  fs::create_directories(artifacts);
  {
    Chromium browser(chromium, profile.string());
    std::string target(browser.call("Target.createTarget", {{"url", "about:blank"}})["targetId"].as_string());
    std::string session(
        browser.call("Target.attachToTarget", {{"targetId", target}, {"flatten", true}})["sessionId"].as_string());
    browser.call("Page.enable", {}, session);
    browser.call("Page.navigate", {{"url", url}}, session);

    ASSERT_EQ(wait_for(browser, session, "document.body && document.body.dataset.ready || ''", {"1"}), "1")
        << "the page never loaded its pipelines";
    EXPECT_EQ(evaluate(browser, session, "document.getElementById('pipeline').value"), "text2image");
    // The form is made from the pipeline's inputs, with their defaults.
    EXPECT_EQ(evaluate(browser, session, "document.querySelector('[name=num_inference_steps]').value"), "20");
    EXPECT_EQ(evaluate(browser, session, "String(document.querySelectorAll('#plugins tbody tr').length)"),
              "3");  // core, image, shapes

    evaluate(browser, session,
             "document.querySelector('[name=prompt]').value = 'a green triangle';"
             "document.getElementById('generate').click(); 'clicked'");
    std::string status =
        wait_for(browser, session, "document.getElementById('status').textContent", {"done", "failed", "cancelled"});
    ASSERT_EQ(status, "done") << evaluate(browser, session, "document.getElementById('error').textContent");
    std::string shown = wait_for(browser, session,
                                 "(() => { const i = document.getElementById('result');"
                                 " return i && i.complete ? i.naturalWidth + 'x' + i.naturalHeight : ''; })()",
                                 {"64x64"});
    EXPECT_EQ(shown, "64x64");
    EXPECT_EQ(evaluate(browser, session,
                       "String(document.getElementById('progress').value === document.getElementById('progress').max)"),
              "true");

    // The PNG the page shows, fetched as the page did.
    std::string image_url = evaluate(browser, session, "document.getElementById('result').alt");
    ASSERT_EQ(image_url.rfind("/runs/", 0), 0u) << image_url;
    Answer png = get(server.port(), image_url);
    ASSERT_EQ(png.status, 200);
    ASSERT_TRUE(is_png(png.body));
    EXPECT_EQ(big_endian(png.body, 16), 64u);  // IHDR width
    EXPECT_EQ(big_endian(png.body, 20), 64u);  // IHDR height
    // The run was made with the typed prompt.
    std::string run_id = image_url.substr(6, image_url.find('/', 6) - 6);
    EXPECT_EQ(get(server.port(), "/runs/" + run_id).object()["status"], "done");

    // Cancel: a run long enough to be stopped in the middle.
    evaluate(browser, session,
             "document.querySelector('[name=num_inference_steps]').value = '100000';"
             "document.getElementById('generate').click(); 'clicked'");
    std::string progress =
        wait_for(browser, session,
                 "document.getElementById('status').textContent.startsWith('step ') ? 'stepping' : ''", {"stepping"});
    ASSERT_EQ(progress, "stepping");
    evaluate(browser, session, "document.getElementById('cancel').click(); 'clicked'");
    EXPECT_EQ(wait_for(browser, session, "document.getElementById('status').textContent", {"cancelled", "done"}),
              "cancelled");
    EXPECT_EQ(evaluate(browser, session, "document.getElementById('cancel').disabled ? 'off' : 'on'"), "off");
    // Back to the finished image for the screenshot.
    evaluate(browser, session,
             "document.querySelector('[name=num_inference_steps]').value = '20';"
             "document.getElementById('generate').click(); 'clicked'");
    ASSERT_EQ(wait_for(browser, session, "document.getElementById('status').textContent", {"done", "failed"}), "done");

    std::string screenshot(browser.call("Page.captureScreenshot", {{"format", "png"}}, session)["data"].as_string());
    std::string bytes = base64_decode(screenshot);
    ASSERT_TRUE(is_png(bytes));
    std::ofstream(artifacts / "serve_web_page.png", std::ios::binary) << bytes;
  }
  server.stop(brick::serve::StopMode::Cancel);
  std::error_code ignored;
  fs::remove_all(profile, ignored);
}

}  // namespace
