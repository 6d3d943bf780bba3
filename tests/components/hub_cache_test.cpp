// Finding a model (docs/models.md): a folder, a name on BRICK_MODEL_PATH, or
// a hub id in a Hugging Face cache that each test lays out as huggingface_hub
// does (blobs/, snapshots/<commit>/ of relative symlinks into blobs/,
// refs/<branch> holding the commit), in its own temporary folder.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <string>

#include "brick/host/components/hub_cache.h"
#include "brick/host/components/model_search_path.h"
#include "brick/host/components/modular_repository.h"
#include "brick/host/components/safetensors.h"
#include "component_test_support.h"

namespace brick::test {
namespace {

const std::string kCommitA = "0123456789abcdef0123456789abcdef01234567";
const std::string kCommitB = "fedcba9876543210fedcba9876543210fedcba98";

// The settings that choose the cache and the search path, restored after
// each test so that no test reads the real ~/.cache or another test's folders.
class Environment {
 public:
  Environment() {
    for (const char* name : kNames) {
      const char* value = std::getenv(name);
      saved_[name] = value ? std::optional<std::string>(value) : std::nullopt;
      ::unsetenv(name);
    }
  }
  ~Environment() {
    for (const auto& [name, value] : saved_) {
      if (value) {
        ::setenv(name.c_str(), value->c_str(), 1);
      } else {
        ::unsetenv(name.c_str());
      }
    }
  }
  void set(const char* name, const fs::path& value) { ::setenv(name, value.c_str(), 1); }

 private:
  static constexpr const char* kNames[] = {"HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_HOME", "XDG_CACHE_HOME",
                                           "HOME",         "BRICK_MODEL_PATH"};
  std::map<std::string, std::optional<std::string>> saved_;
};

// One repository in a cache, as `hf download` leaves it: each file's bytes
// in blobs/ (named by a made-up digest), the snapshot's entries relative
// symlinks to them, refs/<ref> the commit without a newline.
void add_to_cache(const fs::path& cache, const std::string& folder, const std::string& commit,
                  const std::map<std::string, std::string>& files, const std::string& ref = "main") {
  fs::path repo = cache / folder;
  int blob = 0;
  for (const auto& [name, bytes] : files) {
    std::string digest = commit.substr(0, 8) + "blob" + std::to_string(blob++);
    write_file(repo / "blobs" / digest, bytes);
    fs::path link = repo / "snapshots" / commit / name;
    fs::create_directories(link.parent_path());
    // snapshots/<commit>/<name> -> ../../blobs/<digest>, one more ".." per folder in name.
    fs::path up = "..";
    fs::path folders = fs::path(name).parent_path();
    for (auto it = folders.begin(); it != folders.end(); ++it) up /= "..";
    fs::create_symlink(up / ".." / "blobs" / digest, link);
  }
  if (!ref.empty()) write_file(repo / "refs" / ref, commit);
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string message_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(HubCache, HubIdsAreReadAsHuggingFaceHubValidatesThem) {
  auto id = parse_hub_id("stable-diffusion-v1-5/stable-diffusion-v1-5");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->repo_id, "stable-diffusion-v1-5/stable-diffusion-v1-5");
  EXPECT_EQ(id->revision, "main");
  id = parse_hub_id("gpt2");  // an id without a namespace, as old repositories have
  ASSERT_TRUE(id);
  EXPECT_EQ(id->repo_id, "gpt2");
  id = parse_hub_id("org/my_model.v2@fp16");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->repo_id, "org/my_model.v2");
  EXPECT_EQ(id->revision, "fp16");
  id = parse_hub_id("org/name@" + kCommitA);
  ASSERT_TRUE(id);
  EXPECT_EQ(id->revision, kCommitA);
  for (const char* bad : {"", "a/b/c", "/models/x", "./x", "org/-name", "org/name-", "a--b/c", "a/b..c", "org/x.git",
                          "org/name@", "org/name@../../etc", "org/na me", ".", "org/"}) {
    EXPECT_FALSE(parse_hub_id(bad)) << bad;
  }
  EXPECT_EQ(hub_cache_folder_name("stable-diffusion-v1-5/stable-diffusion-v1-5"),
            "models--stable-diffusion-v1-5--stable-diffusion-v1-5");
  EXPECT_EQ(hub_cache_folder_name("gpt2"), "models--gpt2");
}

// huggingface_hub's constants.py: HF_HUB_CACHE, then HUGGINGFACE_HUB_CACHE,
// then $HF_HOME/hub, then $XDG_CACHE_HOME/huggingface/hub, then ~/.cache.
TEST(HubCache, TheCacheIsChosenAsHuggingFaceHubChoosesIt) {
  Environment env;
  TempDir dir;
  env.set("HOME", dir / "home");
  EXPECT_EQ(hub_cache().dir, dir / "home" / ".cache" / "huggingface" / "hub");
  EXPECT_EQ(hub_cache().source, "HOME");
  env.set("XDG_CACHE_HOME", dir / "xdg");
  EXPECT_EQ(hub_cache().dir, dir / "xdg" / "huggingface" / "hub");
  EXPECT_EQ(hub_cache().source, "XDG_CACHE_HOME");
  env.set("HF_HOME", dir / "hf-home");
  EXPECT_EQ(hub_cache().dir, dir / "hf-home" / "hub");
  EXPECT_EQ(hub_cache().source, "HF_HOME");
  env.set("HUGGINGFACE_HUB_CACHE", dir / "legacy");
  EXPECT_EQ(hub_cache().dir, dir / "legacy");
  EXPECT_EQ(hub_cache().source, "HUGGINGFACE_HUB_CACHE");
  env.set("HF_HUB_CACHE", "~/hub-cache");  // expanded as os.path.expanduser does
  EXPECT_EQ(hub_cache().dir, dir / "home" / "hub-cache");
  EXPECT_EQ(hub_cache().source, "HF_HUB_CACHE");
}

TEST(HubCache, AHubIdIsFoundThroughRefsMainInTheCacheThatWins) {
  Environment env;
  TempDir dir;
  add_to_cache(dir / "hub", "models--org--tiny", kCommitA, {{"model_index.json", "{}"}, {"unet/config.json", "A"}});
  add_to_cache(dir / "hf-home" / "hub", "models--org--tiny", kCommitB, {{"unet/config.json", "B"}});
  env.set("HF_HOME", dir / "hf-home");
  fs::path b = resolve_model_repository("org/tiny");
  EXPECT_EQ(b, dir / "hf-home" / "hub" / "models--org--tiny" / "snapshots" / kCommitB);
  env.set("HF_HUB_CACHE", dir / "hub");  // wins over HF_HOME
  fs::path a = resolve_model_repository("org/tiny");
  EXPECT_EQ(a, dir / "hub" / "models--org--tiny" / "snapshots" / kCommitA);
  // The files are symlinks into blobs/, read through.
  EXPECT_TRUE(fs::is_symlink(a / "unet" / "config.json"));
  EXPECT_TRUE(fs::is_regular_file(a / "unet" / "config.json"));
  EXPECT_EQ(read_text(a / "unet" / "config.json"), "A");
}

TEST(HubCache, ARevisionIsACommitHashOrABranchOrTagInRefs) {
  Environment env;
  TempDir dir;
  env.set("HF_HUB_CACHE", dir.path());
  add_to_cache(dir.path(), "models--org--tiny", kCommitA, {{"config.json", "A"}});
  add_to_cache(dir.path(), "models--org--tiny", kCommitB, {{"config.json", "B"}}, "fp16");
  fs::path snapshots = dir / "models--org--tiny" / "snapshots";
  EXPECT_EQ(resolve_model_repository("org/tiny"), snapshots / kCommitA);
  EXPECT_EQ(resolve_model_repository("org/tiny@fp16"), snapshots / kCommitB);
  EXPECT_EQ(resolve_model_repository("org/tiny@" + kCommitB), snapshots / kCommitB);
  // A ComponentSpec's revision asks the same; it must agree with an "@".
  EXPECT_EQ(resolve_model_repository("org/tiny", {}, std::string("fp16")), snapshots / kCommitB);
  EXPECT_EQ(resolve_model_repository("org/tiny@fp16", {}, std::string("fp16")), snapshots / kCommitB);
  EXPECT_NE(message_of([&] {
              resolve_model_repository("org/tiny@fp16", {}, std::string("main"));
            }).find("names revision 'fp16' but revision 'main' is asked for"),
            std::string::npos);
  // A ref written by hand with a newline still names the commit.
  write_file(dir / "models--org--tiny" / "refs" / "main", kCommitB + "\n");
  EXPECT_EQ(resolve_model_repository("org/tiny"), snapshots / kCommitB);
}

TEST(HubCache, AFolderOrTheSearchPathComesBeforeTheCache) {
  Environment env;
  TempDir dir;
  env.set("HF_HUB_CACHE", dir / "hub");
  add_to_cache(dir / "hub", "models--org--tiny", kCommitA, {{"config.json", "A"}});
  fs::create_directories(dir / "models" / "org" / "tiny");
  env.set("BRICK_MODEL_PATH", dir / "models");
  EXPECT_EQ(resolve_model_repository("org/tiny"), dir / "models" / "org" / "tiny");
  fs::create_directories(dir / "beside" / "org" / "tiny");
  EXPECT_EQ(resolve_model_repository("org/tiny", dir / "beside"), dir / "beside" / "org" / "tiny");
  // A revision is a cache's notion: the search path's folder has none.
  EXPECT_EQ(resolve_model_repository("org/tiny@main"), dir / "hub" / "models--org--tiny" / "snapshots" / kCommitA);
}

TEST(HubCache, AMissingModelNamesEveryPlaceLookedAtAndHowToGetIt) {
  Environment env;
  TempDir dir;
  env.set("HF_HUB_CACHE", dir / "hub");
  env.set("BRICK_MODEL_PATH", dir / "models");
  std::string what = message_of([&] { resolve_model_repository("org/none", dir / "beside"); });
  std::string expected = "no model repository 'org/none': looked at '";
  expected += (dir / "beside" / "org" / "none").string() + "', '" + (dir / "models" / "org" / "none").string() + "', '";
  EXPECT_EQ(what.rfind(expected, 0), 0u) << what;
  EXPECT_NE(what.find("share/brick/models/org/none', and in the Hugging Face cache (HF_HUB_CACHE): '" +
                      (dir / "hub" / "models--org--none").string() +
                      "' (no such folder). Nothing is fetched from a "
                      "network: download it into that cache with `hf download org/none` (`huggingface-cli download` "
                      "with an older huggingface_hub), give a local folder, or set BRICK_MODEL_PATH to add folders"),
            std::string::npos)
      << what;

  // The deepest place that failed is named: no refs/main, no snapshot.
  fs::path repo = dir / "hub" / "models--org--half";
  fs::create_directories(repo / "snapshots");
  what = message_of([&] { resolve_model_repository("org/half"); });
  EXPECT_NE(what.find("(HF_HUB_CACHE): '" + (repo / "refs" / "main").string() +
                      "' (no such file: revision 'main' is not in the cache)"),
            std::string::npos)
      << what;
  write_file(repo / "refs" / "main", kCommitA);
  what = message_of([&] { resolve_model_repository("org/half"); });
  EXPECT_NE(what.find("'" + (repo / "snapshots" / kCommitA).string() + "' (refs/main names it; no such folder)"),
            std::string::npos)
      << what;
  what = message_of([&] { resolve_model_repository("org/half@v1"); });
  EXPECT_NE(what.find("`hf download org/half --revision v1`"), std::string::npos) << what;

  // A path that cannot be a hub id is looked for as a folder only.
  what = message_of([&] { resolve_model_repository(dir / "absent"); });
  EXPECT_EQ(what, "no model repository '" + (dir / "absent").string() + "': looked at '" + (dir / "absent").string() +
                      "' (set BRICK_MODEL_PATH to add folders; nothing is fetched from a network)");
}

// A modular_model_index.json saved from the hub names the hub id in every
// entry, as diffusers writes it: the repository and each component are found
// in the cache, and the weights read through the symlinks.
TEST(HubCache, APipelineAndItsComponentsLoadFromTheCache) {
  Environment env;
  TempDir dir;
  env.set("HF_HUB_CACHE", dir / "hub");
  TempDir staging;
  ModularModelIndex index;
  ModularIndexEntry entry;
  entry.library = "brick";
  entry.class_name = "SafetensorsWeights";
  entry.spec.pretrained_model_name_or_path = "org/tiny";
  entry.spec.subfolder = "unet";
  index.components.emplace_back("unet", entry);
  write_modular_model_index(staging.path(), index);
  write_weights(staging / "unet/diffusion_pytorch_model.safetensors", {1.0f, 2.0f, 3.0f});
  add_to_cache(
      dir / "hub", "models--org--tiny", kCommitA,
      {{"modular_model_index.json", read_text(staging / "modular_model_index.json")},
       {"unet/diffusion_pytorch_model.safetensors", read_text(staging / "unet/diffusion_pytorch_model.safetensors")}});

  PipelineOptions options;
  options.component_types = test_types();
  ModularPipeline pipe = ModularPipeline::from_pretrained(
      "org/tiny", std::make_unique<SpecBlock>("B", std::vector<ComponentSpec>{pretrained("unet", "/nowhere", "unet")}),
      options);
  EXPECT_EQ(pipe.get_component_spec("unet").pretrained_model_name_or_path, std::optional<std::string>("org/tiny"));
  LoadReport report = pipe.load_components();
  ASSERT_TRUE(report.ok()) << report.failed.front().second;
  auto weights = pipe.component("unet").object_as<SafetensorsWeights>();
  ASSERT_TRUE(weights);
  EXPECT_TRUE(weights->tensor("weight")->as_tensor().equal(at::tensor({1.0f, 2.0f, 3.0f})));
}

}  // namespace
}  // namespace brick::test
