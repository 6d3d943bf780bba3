// The host's safetensors reader and writer, on files written byte by byte.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "brick/host/base/error.h"
#include "brick/host/components/safetensors.h"
#include "component_test_support.h"

using namespace brick::host;
using namespace brick::test;

namespace {

std::string error_of(const fs::path& path, const LoadOptions& options = {}) {
  try {
    read_safetensors(path, options);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(Safetensors, ReadsAHandWrittenFile) {
  TempDir dir;
  // Two tensors: a 2x2 F32 and a 3-element I64, plus metadata.
  std::string data;
  for (float f : {1.5f, -2.0f, 3.25f, 4.0f}) append_f32(data, f);
  for (int64_t i : {7, -8, 9}) append_le(data, static_cast<uint64_t>(i), 8);
  std::string header = R"({"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},)"
                       R"("ids":{"dtype":"I64","shape":[3],"data_offsets":[16,40]}})";
  write_file(dir / "a.safetensors", safetensors_bytes(header, data));

  SafetensorsFile file = read_safetensors(dir / "a.safetensors");
  ASSERT_EQ(file.tensors.size(), 2u);
  EXPECT_EQ(file.tensors[0].first, "w");
  at::Tensor w = file.tensors[0].second.as_tensor();
  EXPECT_EQ(w.scalar_type(), at::kFloat);
  EXPECT_EQ(w.sizes(), (std::vector<int64_t>{2, 2}));
  EXPECT_TRUE(at::equal(w, at::tensor({1.5f, -2.0f, 3.25f, 4.0f}).reshape({2, 2})));
  at::Tensor ids = file.tensors[1].second.as_tensor();
  EXPECT_EQ(ids.scalar_type(), at::kLong);
  EXPECT_EQ(ids[1].item<int64_t>(), -8);
  EXPECT_EQ(file.metadata, (Value::Dict{{"format", "pt"}}));
  // Writing into a loaded tensor changes the process's copy, not the file.
  w.mul_(2);
  EXPECT_FLOAT_EQ(read_safetensors(dir / "a.safetensors").tensors[0].second.as_tensor()[0][0].item<float>(), 1.5f);
}

TEST(Safetensors, ConvertsFloatingTensorsToTheDtypeAsked) {
  TempDir dir;
  write_weights(dir / "w.safetensors", {1, 2, 3});
  LoadOptions options;
  options.dtype = "float16";
  at::Tensor t = read_safetensors(dir / "w.safetensors", options).tensors[0].second.as_tensor();
  EXPECT_EQ(t.scalar_type(), at::kHalf);
  EXPECT_FLOAT_EQ(t[2].item<float>(), 3.0f);
  options.dtype = "int4";
  EXPECT_NE(error_of(dir / "w.safetensors", options).find("unknown dtype 'int4'"), std::string::npos);
}

TEST(Safetensors, WriterAndReaderRoundTrip) {
  TempDir dir;
  Value::Dict tensors{{"a", Value(at::arange(6, at::kFloat).reshape({2, 3}))},
                      {"b", Value(at::arange(4, at::kBFloat16))},
                      {"c", Value(at::ones({2}, at::kBool))},
                      {"empty", Value(at::zeros({0, 3}))}};
  write_safetensors(dir / "x.safetensors", tensors, {{"note", "hi"}});
  SafetensorsFile back = read_safetensors(dir / "x.safetensors");
  ASSERT_EQ(back.tensors.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(back.tensors[i].first, tensors[i].first);
    EXPECT_TRUE(at::equal(back.tensors[i].second.as_tensor(), tensors[i].second.as_tensor())) << tensors[i].first;
  }
  EXPECT_EQ(back.metadata, (Value::Dict{{"note", "hi"}}));
  EXPECT_THROW(write_safetensors(dir / "y.safetensors", {{"s", "text"}}), Error);
}

TEST(Safetensors, BadFilesGiveErrorsNamingTheFileAndTheProblem) {
  TempDir dir;
  auto check = [&](const std::string& name, const std::string& bytes, const std::string& why) {
    write_file(dir / name, bytes);
    std::string message = error_of(dir / name);
    EXPECT_NE(message.find(name), std::string::npos) << message;
    EXPECT_NE(message.find(why), std::string::npos) << message;
  };
  check("short.safetensors", "abc", "truncated");
  check("long_header.safetensors", safetensors_bytes("{}", "").substr(0, 8) + "{", "runs past the end");
  check("not_json.safetensors", safetensors_bytes("[1,2]", ""), "not a JSON object");
  check("dtype.safetensors", safetensors_bytes(R"({"w":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}})", "x"),
        "unsupported dtype 'F8_E4M3'");
  check("range.safetensors", safetensors_bytes(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", "1234"),
        "outside the 4 data bytes");
  check("size.safetensors", safetensors_bytes(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}})", "1234"),
        "its shape needs 8");
  check("fields.safetensors", safetensors_bytes(R"({"w":{"dtype":"F32"}})", ""), "needs dtype, shape and data_offsets");
  EXPECT_NE(error_of(dir / "missing.safetensors").find("cannot open"), std::string::npos);
}

TEST(Safetensors, WeightsComponentLoadsShardsAndVariants) {
  TempDir dir;
  write_weights(dir / "m" / "model-00001.safetensors", {1}, "a");
  write_weights(dir / "m" / "model-00002.safetensors", {2, 3}, "b");
  write_weights(dir / "m" / "model.fp16.safetensors", {4}, "half");
  ComponentSpec spec;
  spec.name = "unet";
  auto all = SafetensorsWeights::load(dir / "m", spec, {});
  ASSERT_EQ(all->tensors().size(), 2u);
  EXPECT_EQ(all->memory_footprint(), 12);
  EXPECT_EQ(all->dtype(), "torch.float32");
  EXPECT_EQ(all->device().device_type, 1);
  spec.variant = "fp16";
  auto half = SafetensorsWeights::load(dir / "m", spec, {});
  ASSERT_EQ(half->tensors().size(), 1u);
  EXPECT_EQ(half->tensors()[0].first, "half");
  spec.variant = "bf16";
  EXPECT_THROW(SafetensorsWeights::load(dir / "m", spec, {}), Error);
  // save() writes a file load() reads back.
  all->save(dir / "copy");
  spec.variant.reset();
  EXPECT_TRUE(at::equal(SafetensorsWeights::load(dir / "copy", spec, {})->tensor("b")->as_tensor(),
                        all->tensor("b")->as_tensor()));
}
