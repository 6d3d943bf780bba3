// find_weight_files: which safetensors files a folder's weights are, by the
// names diffusers' and transformers' save_pretrained give them (variants,
// shards, shard indexes, the older variant-after-shard naming), and the
// errors that name what is missing.
#include "brick/host/components/weight_files.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "brick/host/base/error.h"

namespace fs = std::filesystem;
using brick::host::find_weight_files;
using brick::host::weight_file_variant;
using brick::host::WeightFiles;

namespace {

class Folder {
 public:
  Folder() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("brick-weight-files-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~Folder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  void touch(const std::string& name, const std::string& text = "") const { std::ofstream(path_ / name) << text; }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::vector<std::string> names(const WeightFiles& files) {
  std::vector<std::string> out;
  for (const fs::path& file : files.files) out.push_back(file.filename().string());
  return out;
}

std::string error_of(const fs::path& folder, std::optional<std::string> variant) {
  try {
    find_weight_files(folder, variant);
  } catch (const brick::host::Error& e) {
    return e.what();
  }
  return "";
}

TEST(WeightFiles, VariantOfAFileName) {
  EXPECT_EQ(weight_file_variant("diffusion_pytorch_model.safetensors"), std::nullopt);
  EXPECT_EQ(weight_file_variant("diffusion_pytorch_model.fp16.safetensors"), "fp16");
  EXPECT_EQ(weight_file_variant("diffusion_pytorch_model-00001-of-00002.safetensors"), std::nullopt);
  EXPECT_EQ(weight_file_variant("diffusion_pytorch_model.fp16-00001-of-00002.safetensors"), "fp16");
  EXPECT_EQ(weight_file_variant("diffusion_pytorch_model-00001-of-00002.fp16.safetensors"), "fp16");  // older diffusers
  EXPECT_EQ(weight_file_variant("model.bin"), std::nullopt);
}

TEST(WeightFiles, SingleFilesByVariant) {
  Folder f;
  f.touch("diffusion_pytorch_model.safetensors");
  f.touch("diffusion_pytorch_model.fp16.safetensors");
  f.touch("config.json");
  EXPECT_EQ(names(find_weight_files(f.path(), std::nullopt)),
            std::vector<std::string>{"diffusion_pytorch_model.safetensors"});
  EXPECT_EQ(names(find_weight_files(f.path(), "fp16")),
            std::vector<std::string>{"diffusion_pytorch_model.fp16.safetensors"});
  std::string error = error_of(f.path(), "bf16");
  EXPECT_NE(error.find("no *.bf16.safetensors file"), std::string::npos) << error;
  EXPECT_NE(error.find("diffusion_pytorch_model.fp16.safetensors"), std::string::npos) << error;
}

TEST(WeightFiles, TheIndexDecidesTheShards) {
  Folder f;
  f.touch("diffusion_pytorch_model.fp16-00001-of-00002.safetensors");
  f.touch("diffusion_pytorch_model.fp16-00002-of-00002.safetensors");
  f.touch("diffusion_pytorch_model.fp16-00003-of-00003.safetensors");  // a stray shard no index names
  f.touch("diffusion_pytorch_model.safetensors.index.fp16.json",
          R"({"metadata": {}, "weight_map": {"b": "diffusion_pytorch_model.fp16-00002-of-00002.safetensors",
              "a": "diffusion_pytorch_model.fp16-00001-of-00002.safetensors"}})");
  WeightFiles found = find_weight_files(f.path(), "fp16");
  EXPECT_EQ(names(found), (std::vector<std::string>{"diffusion_pytorch_model.fp16-00001-of-00002.safetensors",
                                                    "diffusion_pytorch_model.fp16-00002-of-00002.safetensors"}));
  ASSERT_TRUE(found.index);
  EXPECT_EQ(found.index->filename(), "diffusion_pytorch_model.safetensors.index.fp16.json");
  EXPECT_EQ(found.weight_map.at("a"), "diffusion_pytorch_model.fp16-00001-of-00002.safetensors");
  // No index without a variant: the files without one (none here).
  EXPECT_NE(error_of(f.path(), std::nullopt).find("no *.safetensors file"), std::string::npos);
}

TEST(WeightFiles, IndexErrorsNameTheFiles) {
  Folder f;
  f.touch("model.safetensors.index.json", R"({"weight_map": {"w": "model-00001-of-00002.safetensors"}})");
  std::string error = error_of(f.path(), std::nullopt);
  EXPECT_NE(error.find("shard 'model-00001-of-00002.safetensors' named by 'model.safetensors.index.json'"),
            std::string::npos)
      << error;
  f.touch("model.safetensors.index.json", R"({"weights": {}})");
  error = error_of(f.path(), std::nullopt);
  EXPECT_NE(error.find("is not a JSON object with a weight_map object"), std::string::npos) << error;
  f.touch("model.safetensors.index.json", R"({"weight_map": {"w": "../elsewhere.safetensors"}})");
  error = error_of(f.path(), std::nullopt);
  EXPECT_NE(error.find("which is not a file of the folder"), std::string::npos) << error;
}

}  // namespace
