// ComponentsManager and AutoOffloadStrategy (checklist 47, 48), on the CPU
// with an injected free-memory function; the CUDA path is skipped without a
// GPU.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "brick/host/base/error.h"
#include "brick/host/components/components_manager.h"
#include "brick/host/components/safetensors.h"
#include "component_test_support.h"

using namespace brick::host;
using namespace brick::test;

namespace {

// A model that only pretends to move: records its device, has a set size.
class FakeModel : public Object {
 public:
  FakeModel(std::string cls, int64_t bytes) : cls_(std::move(cls)), bytes_(bytes) {}
  std::string class_name() const override { return cls_; }
  bool is_model() const override { return true; }
  int64_t memory_footprint() const override { return bytes_; }
  brick_device device() const override { return device_; }
  void to(brick_device device) override { device_ = device; }

 private:
  std::string cls_;
  int64_t bytes_;
  brick_device device_{1, 0};
};

constexpr int64_t GB = int64_t{1} << 30;
constexpr brick_device kCuda{2, 0};

bool on_cuda(const std::shared_ptr<FakeModel>& m) { return m->device().device_type == 2; }

}  // namespace

TEST(AutoOffloadStrategy, NothingIsEvictedWhenTheModelFits) {
  AutoOffloadStrategy strategy(0);
  EXPECT_TRUE(strategy({{"a", 4}, {"b", 4}}, "x", 5, 6).empty());
  EXPECT_TRUE(strategy({}, "x", 50, 1).empty());
}

TEST(AutoOffloadStrategy, SmallestSufficientCombinationWins) {
  AutoOffloadStrategy strategy(0);
  // need 5 from {a:4, b:4, c:1}: a+c (5) beats a+b (8); the first of ties wins.
  EXPECT_EQ(strategy({{"a", 4}, {"b", 4}, {"c", 1}}, "x", 5, 0), (std::vector<std::string>{"a", "c"}));
  // need 3: b alone (4) beats... a single 4 is the smallest >= 3; a comes first.
  EXPECT_EQ(strategy({{"c", 1}, {"a", 4}, {"b", 4}}, "x", 3, 0), std::vector<std::string>{"a"});
  // need 1: c alone.
  EXPECT_EQ(strategy({{"a", 4}, {"b", 4}, {"c", 1}}, "x", 1, 0), std::vector<std::string>{"c"});
}

TEST(AutoOffloadStrategy, EverythingGoesWhenNothingSuffices) {
  AutoOffloadStrategy strategy(0);
  LogCapture log;
  EXPECT_EQ(strategy({{"a", 1}, {"b", 2}}, "x", 10, 0), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(log.any_contains("offloading all models")) << log.all();
}

TEST(AutoOffloadStrategy, TheMarginShiftsTheDecision) {
  std::vector<ResidentModel> resident{{"a", 4 * GB}};
  EXPECT_TRUE(AutoOffloadStrategy(0)(resident, "x", 2 * GB, 3 * GB).empty());
  EXPECT_EQ(AutoOffloadStrategy(2 * GB)(resident, "x", 2 * GB, 3 * GB), std::vector<std::string>{"a"});
  EXPECT_EQ(AutoOffloadStrategy().memory_reserve_margin(), 3 * GB);
}

TEST(ComponentsManager, AddingTheSameObjectTwiceGivesTheSameId) {
  ComponentsManager manager;
  auto unet = std::make_shared<FakeModel>("UNet", 10);
  std::string id = manager.add("unet", Value(unet));
  EXPECT_EQ(id.rfind("unet_", 0), 0u);
  LogCapture log;
  EXPECT_EQ(manager.add("unet", Value(unet)), id);
  EXPECT_TRUE(log.any_contains("already exists")) << log.all();
  std::string other = manager.add("unet_copy", Value(unet));
  EXPECT_NE(other, id);
  EXPECT_TRUE(log.any_contains("duplicate of")) << log.all();
  EXPECT_EQ(manager.ids().size(), 2u);
}

TEST(ComponentsManager, GetOneRemoveAndModelInfo) {
  ComponentsManager manager;
  auto unet = std::make_shared<FakeModel>("UNet", 3 * GB / 2);
  auto vae = std::make_shared<FakeModel>("VAE", 10);
  std::string id = manager.add("unet", Value(unet));
  manager.add("vae", Value(vae));
  EXPECT_TRUE(manager.get_one(id).is(Value(unet)));
  EXPECT_TRUE(manager.get_one("unet", "").is(Value(unet)));
  ModelInfo info = manager.get_model_info(id);
  EXPECT_EQ(info.class_name, "UNet");
  ASSERT_TRUE(info.size_gb);
  EXPECT_DOUBLE_EQ(*info.size_gb, 1.5);  // footprint / 1024^3
  EXPECT_NE(manager.repr().find("1.50"), std::string::npos) << manager.repr();
  manager.remove(id);
  EXPECT_THROW(manager.get_one(id), Error);
  EXPECT_THROW(manager.get_one("unet", ""), Error);
  EXPECT_THROW(manager.remove(id), Error);
}

TEST(ComponentsManager, SearchPatterns) {
  ComponentsManager manager;
  for (const char* name : {"unet", "vae", "text_encoder", "text_encoder_2", "refiner_unet"}) {
    manager.add(name, Value(std::make_shared<FakeModel>(name, 1)));
  }
  auto names = [&](const std::string& pattern) {
    std::vector<std::string> out;
    for (const auto& item : manager.search_components(pattern)) out.push_back(item.first);
    return out;
  };
  EXPECT_EQ(names("unet"), std::vector<std::string>{"unet"});  // exact
  EXPECT_EQ(names("!unet"), (std::vector<std::string>{"vae", "text_encoder", "text_encoder_2", "refiner_unet"}));
  EXPECT_EQ(names("text*"), (std::vector<std::string>{"text_encoder", "text_encoder_2"}));
  EXPECT_EQ(names("!text*"), (std::vector<std::string>{"unet", "vae", "refiner_unet"}));
  EXPECT_EQ(names("*une*"), (std::vector<std::string>{"unet", "refiner_unet"}));
  EXPECT_EQ(names("vae|unet"), (std::vector<std::string>{"unet", "vae"}));
  EXPECT_EQ(names("!vae|unet|refiner_unet"), (std::vector<std::string>{"text_encoder", "text_encoder_2"}));
  EXPECT_EQ(names("text*|vae"), (std::vector<std::string>{"vae", "text_encoder", "text_encoder_2"}));
  EXPECT_EQ(names("encoder"), (std::vector<std::string>{"text_encoder", "text_encoder_2"}));  // substring fallback
  EXPECT_EQ(names("").size(), 5u);
  EXPECT_THROW(names("nothing"), Error);
  EXPECT_THROW(manager.get_one("text*", ""), Error);  // two matches
}

TEST(ComponentsManager, CollectionsEvictASameNameComponent) {
  ComponentsManager manager;
  auto a = std::make_shared<FakeModel>("UNet", 1);
  auto b = std::make_shared<FakeModel>("UNet", 1);
  std::string id_a = manager.add("unet", Value(a), "sdxl");
  LogCapture log;
  std::string id_b = manager.add("unet", Value(b), "sdxl");
  EXPECT_TRUE(log.any_contains("removing existing unet from collection 'sdxl'")) << log.all();
  EXPECT_EQ(manager.ids(), std::vector<std::string>{id_b});  // a was in no other collection
  EXPECT_TRUE(manager.get_one("unet", "sdxl").is(Value(b)));
  // filter by load_id
  b->set_load_id("/m|unet|null|null");
  EXPECT_EQ(manager.search_components("", "", "/m|unet|null|null").size(), 1u);
  EXPECT_TRUE(manager.search_components("", "", "/other|unet|null|null").empty());  // filters alone never throw
}

TEST(ComponentsManager, AutoOffloadEvictsPerTheStrategyWithInjectedFreeMemory) {
  ComponentsManager manager;
  auto te = std::make_shared<FakeModel>("TE", 4 * GB);
  auto unet = std::make_shared<FakeModel>("UNet", 4 * GB);
  auto vae = std::make_shared<FakeModel>("VAE", 1 * GB);
  auto big = std::make_shared<FakeModel>("Big", 11 * GB / 2);
  for (auto& [name, m] : std::vector<std::pair<std::string, std::shared_ptr<FakeModel>>>{
           {"te", te}, {"unet", unet}, {"vae", vae}, {"big", big}}) {
    manager.add(name, Value(m));
  }
  const int64_t capacity = 10 * GB;
  AutoOffloadOptions options;
  options.device = kCuda;
  options.memory_reserve_margin = 0;
  options.free_memory = [&](brick_device) {
    int64_t used = 0;
    for (auto* m : {te.get(), unet.get(), vae.get(), big.get()}) {
      if (m->device().device_type == 2) used += m->memory_footprint();
    }
    return capacity - used;
  };
  manager.enable_auto_cpu_offload(options);
  EXPECT_TRUE(manager.get_model_info(manager.get_ids("te")[0]).has_hook);
  manager.prepare_for_use(Value(te));
  manager.prepare_for_use(Value(unet));
  manager.prepare_for_use(Value(vae));
  EXPECT_TRUE(on_cuda(te) && on_cuda(unet) && on_cuda(vae));  // 9 of 10 GB
  // big (5.5 GB) with 1 GB free needs 4.5 GB: no single model suffices; of
  // the pairs, te+vae (5 GB) is the smallest, found before unet+vae.
  manager.prepare_for_use(Value(big));
  EXPECT_TRUE(on_cuda(big));
  EXPECT_TRUE(on_cuda(unet));
  EXPECT_FALSE(on_cuda(te));
  EXPECT_FALSE(on_cuda(vae));
  manager.disable_auto_cpu_offload();
  EXPECT_FALSE(on_cuda(big) || on_cuda(unet));
}

TEST(ComponentsManager, APipelineBlockUsingAComponentTriggersTheOffloadHook) {
  auto manager = std::make_shared<ComponentsManager>();
  auto a = std::make_shared<FakeModel>("A", 2);
  auto b = std::make_shared<FakeModel>("B", 2);
  PipelineOptions options;
  options.components_manager = manager;
  ModularPipeline pipe(std::make_unique<SpecBlock>(
                           "UsesA", std::vector<ComponentSpec>{pretrained("a", "/x", "a"), pretrained("b", "/x", "b")}),
                       options);
  pipe.update_components({{"a", Value(a)}, {"b", Value(b)}});
  AutoOffloadOptions offload;
  offload.device = kCuda;
  offload.memory_reserve_margin = 0;
  offload.free_memory = [&](brick_device) { return on_cuda(a) || on_cuda(b) ? int64_t{1} : int64_t{3}; };
  manager->enable_auto_cpu_offload(offload);
  EXPECT_FALSE(on_cuda(a));
  pipe({});  // the block uses a, then b: b's turn evicts a
  EXPECT_FALSE(on_cuda(a));
  EXPECT_TRUE(on_cuda(b));
}

TEST(ComponentsManager, AutoOffloadWithoutMemoryInfoIsUnsupported) {
  ComponentsManager manager;
  AutoOffloadOptions options;
  options.device = brick_device{1, 0};
  EXPECT_THROW(manager.enable_auto_cpu_offload(options), Error);
}

TEST(ComponentsManager, CudaAutoOffloadMovesRealTensors) {
  if (!cuda_free_memory(0)) GTEST_SKIP() << "no CUDA device";
  ComponentsManager manager;
  auto weights = std::make_shared<SafetensorsWeights>(Value::Dict{{"w", Value(at::ones({1024}))}});
  manager.add("w", Value(weights));
  manager.enable_auto_cpu_offload();
  manager.prepare_for_use(Value(weights));
  EXPECT_EQ(weights->device().device_type, 2);
  manager.disable_auto_cpu_offload();
  EXPECT_EQ(weights->device().device_type, 1);
}
