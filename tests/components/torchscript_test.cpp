// TorchScript modules as components: a tiny module defined and saved here,
// loaded by the host onto the dtype asked for, and called by method name.
#include <gtest/gtest.h>
#include <torch/script.h>

#include "brick/host/base/error.h"
#include "brick/host/components/component_types.h"
#include "brick/host/components/components_manager.h"
#include "brick/host/components/torchscript.h"
#include "component_test_support.h"

using namespace brick::host;
using namespace brick::test;

namespace {

void save_tiny_module(const fs::path& file) {
  torch::jit::Module m("TinyLinear");
  m.register_parameter("weight", torch::eye(2) * 2, false);
  m.register_buffer("bias", torch::ones({2}));
  m.define(R"(
def forward(self, x):
    return torch.matmul(x, self.weight) + self.bias

def scale(self, x, factor: float):
    return x * factor, factor
)");
  fs::create_directories(file.parent_path());
  m.save(file.string());
}

}  // namespace

TEST(TorchScript, LoadsAndCallsAModuleTheTestSaved) {
  TempDir repo;
  save_tiny_module(repo / "encoder" / "model.pt");
  ComponentSpec spec;
  spec.name = "encoder";
  spec.pretrained_model_name_or_path = repo.path().string();
  spec.subfolder = "encoder";
  // No type_hint: the *.pt file picks the TorchScript loader (AutoModel).
  std::shared_ptr<Object> object = ComponentTypes::builtin().load(spec);
  auto module = std::dynamic_pointer_cast<TorchScriptModule>(object);
  ASSERT_TRUE(module);
  EXPECT_EQ(module->load_id(), spec.load_id());
  EXPECT_EQ(module->memory_footprint(), 4 * 4 + 2 * 4);
  EXPECT_EQ(module->dtype(), "torch.float32");

  Value out = module->call("forward", Value::list({Value(torch::tensor({{1.0f, 2.0f}}))}));
  EXPECT_TRUE(torch::equal(out.as_tensor(), torch::tensor({{3.0f, 5.0f}})));
  Value pair = module->call("scale", Value::dict({{"x", Value(torch::ones({1}))}, {"factor", 3.0}}));
  ASSERT_EQ(pair.kind(), Value::Kind::List);
  EXPECT_FLOAT_EQ(pair.as_list()[0].as_tensor().item<float>(), 3.0f);
  EXPECT_EQ(pair.as_list()[1].as_float(), 3.0);
  EXPECT_THROW(module->call("missing", Value()), Error);
  try {
    module->call("forward", Value::list({Value("not a tensor")}));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), BRICK_ERR_BLOCK_FAILED);
  }

  // save() then load again.
  module->save(repo / "copy");
  EXPECT_TRUE(fs::exists(repo / "copy" / "model.pt"));
}

TEST(TorchScript, LoadsOntoTheDtypeAsked) {
  TempDir repo;
  save_tiny_module(repo / "m" / "model.pt");
  LoadOptions options;
  options.dtype = "bfloat16";
  auto module = TorchScriptModule::load_file(repo / "m" / "model.pt", options);
  EXPECT_EQ(module->dtype(), "torch.bfloat16");
  EXPECT_EQ(module->memory_footprint(), 4 * 2 + 2 * 2);
}

TEST(TorchScript, ABrokenFileIsAClearError) {
  TempDir repo;
  write_file(repo / "m" / "model.pt", "not a zip archive");
  try {
    TorchScriptModule::load_file(repo / "m" / "model.pt", {});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot load TorchScript module"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("model.pt"), std::string::npos) << e.what();
  }
}

TEST(TorchScript, ModuleMovesToCudaWhenThereIsOne) {
  if (!cuda_free_memory(0)) GTEST_SKIP() << "no CUDA device";
  TempDir repo;
  save_tiny_module(repo / "m" / "model.pt");
  auto module = TorchScriptModule::load_file(repo / "m" / "model.pt", {});
  module->to(brick_device{2, 0});
  EXPECT_EQ(module->device().device_type, 2);
}
