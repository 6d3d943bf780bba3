// Tensors cross the ABI without a copy: the data pointer a block sees is the
// caller's, and a tensor a block makes is the one the caller gets, through
// native exchange, through DLPack, and from a plain C plugin.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "test_support.h"

using brick::host::PipelineState;
using brick::host::Value;
using brick::test::run_block;

namespace {

void expect_zero_copy(const std::string& plugin, const at::Tensor& x) {
  PipelineState state = run_block(plugin + ".Pointers", {{"x", x}});
  EXPECT_EQ(state.get("x_ptr").as_int(), reinterpret_cast<int64_t>(x.data_ptr())) << plugin;
  at::Tensor y = state.get("y").as_tensor();
  EXPECT_EQ(state.get("y_ptr").as_int(), reinterpret_cast<int64_t>(y.data_ptr())) << plugin;
  EXPECT_TRUE(y.equal(x + 1)) << plugin;
  EXPECT_EQ(state.get("x").tensor_impl(), x.unsafeGetTensorImpl()) << plugin;  // not rebound, not copied
  EXPECT_EQ(state.get("x_device").as_string(), x.device().str());
}

}  // namespace

TEST(TensorExchange, NativeHandlesAreZeroCopy) { expect_zero_copy("test_blocks", at::rand({4, 5})); }

TEST(TensorExchange, DLPackIsZeroCopy) { expect_zero_copy("test_blocks_dlpack", at::rand({4, 5})); }

TEST(TensorExchange, StridedViewsKeepTheirLayout) {
  at::Tensor base = at::rand({6, 8});
  at::Tensor view = base.slice(1, 2, 6).t();  // non-contiguous, offset into base
  expect_zero_copy("test_blocks", view);
  expect_zero_copy("test_blocks_dlpack", view);
}

TEST(TensorExchange, BothExchangesComputeTheSame) {
  brick::host::Kwargs kwargs{{"a", at::arange(4.0)}, {"b", at::ones({4})}, {"alpha", 0.5}};
  at::Tensor native = run_block("test_blocks.Add", kwargs).get("out").as_tensor();
  at::Tensor dlpack = run_block("test_blocks_dlpack.Add", kwargs).get("out").as_tensor();
  EXPECT_TRUE(native.equal(dlpack));
  EXPECT_TRUE(native.equal(at::arange(4.0) + 0.5));
}

TEST(TensorExchange, APlainCPluginReadsAndWritesDLPack) {
  at::Tensor x = at::arange(12, at::kFloat).reshape({3, 4});
  PipelineState state = run_block("test_portable.Double", {{"x", x}});
  at::Tensor y = state.get("y").as_tensor();
  EXPECT_TRUE(y.equal(x * 2));
  EXPECT_EQ(state.get("x_ptr").as_int(), reinterpret_cast<int64_t>(x.data_ptr()));
  // y lives in memory the plugin allocated; its deleter runs in the plugin.
  EXPECT_EQ(state.get("y_ptr").as_int(), reinterpret_cast<int64_t>(y.data_ptr()));
  state = PipelineState();  // releases y: the plugin's deleter frees it (ASan checks)
  EXPECT_TRUE(y.equal(x * 2));  // our own reference keeps it alive until here
}

TEST(TensorExchange, APlainCPluginReportsUnsupportedInput) {
  EXPECT_STREQ(brick::test::block_error_of("test_portable.Double", {{"x", at::ones({2}, at::kLong)}}).what(),
               "Error in block 'test_portable.Double': Double takes a float32 CPU tensor of at most 8 dimensions");
}

TEST(TensorExchange, CudaTensorsCrossWithoutACopy) {
  if (!at::hasCUDA()) GTEST_SKIP() << "no CUDA device (or a LibTorch built without CUDA)";
  at::Tensor x = at::rand({8, 8}, at::kCUDA);
  expect_zero_copy("test_blocks", x);
  expect_zero_copy("test_blocks_dlpack", x);
}
