// The text encoders on CUDA: loaded straight onto the device (as
// `brick run --device cuda` loads them), the same outputs as the reference in
// float32 within tolerance, on every attention path. Skips without a GPU.
#include <ATen/Context.h>
#include <torch/version.h>

#include <fstream>
#include <sstream>

#include "brick/host/value/json.h"
#include "transformers_test_support.h"

using namespace transformers_test;

TEST(TransformersGpu, TextEncodersOnCudaMatchTheReference) {
  if (!at::hasCUDA()) GTEST_SKIP() << "no CUDA device (or a LibTorch built without CUDA)";
  const std::pair<const char*, const char*> fixtures[] = {{"clip_quick_gelu_legacy", "CLIPTextModel"},
                                                          {"clip_gelu_eos", "CLIPTextModel"},
                                                          {"clip_projection", "CLIPTextModelWithProjection"}};
  for (const auto& [name, type] : fixtures) {
    brick::host::LoadOptions options;
    options.device = brick_device{2, 0};
    std::shared_ptr<Object> model = load(type, model_folder(name), options);
    Value want = expected(name);
    const char* pooled = std::string(type) == "CLIPTextModel" ? "pooler_output" : "text_embeds";
    for (bool masked : {false, true}) {
      Value::Dict args{{"input_ids", tensor(want, "input_ids").cuda()}};
      if (masked) args.emplace_back("attention_mask", tensor(want, "attention_mask").cuda());
      Value out = call(model, "forward", args);
      ASSERT_TRUE(tensor(out, "last_hidden_state").is_cuda());
      std::string prefix = masked ? "masked." : "";
      // TF32 is off for float32 matmuls by default; 1e-4 holds.
      EXPECT_LT(max_difference(tensor(out, "last_hidden_state"), tensor(want, prefix + "last_hidden_state")), 1e-4)
          << name << (masked ? " masked" : "");
      EXPECT_LT(max_difference(tensor(out, pooled), tensor(want, prefix + pooled)), 1e-4) << name;
    }
    // CPU input ids are moved to the model's device.
    Value out = call(model, "forward", {{"input_ids", tensor(want, "input_ids")}});
    EXPECT_TRUE(tensor(out, pooled).is_cuda());
  }
}
