#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "brick/host/state/block_state.h"

using brick::host::BlockState;
using brick::host::Value;

TEST(BlockState, AttributesKeepInsertionOrder) {
  BlockState bs(std::vector<std::string>{"image", "batch_size", "image_latents"});
  bs.set("image", 1);
  bs.set("batch_size", 2);
  bs.set("processed_image", 3);  // undeclared: after the declared ones set so far
  bs.set("image_latents", 4);
  std::vector<std::string> names;
  for (const auto& [name, value] : bs.attributes()) names.emplace_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"image", "batch_size", "processed_image", "image_latents"}));
  EXPECT_FALSE(BlockState(std::vector<std::string>{"x"}).has("x"));  // declared but never set
}

TEST(BlockState, GetItemReadsNoneWhenAbsent) {
  BlockState bs;
  EXPECT_TRUE(bs["nope"].is_none());
  EXPECT_EQ(bs.get("nope"), nullptr);
  bs.set("x", 1);
  EXPECT_EQ(bs["x"].as_int(), 1);
}

TEST(BlockState, SlotsStayPutAndReplacedValuesAreKept) {
  BlockState bs(std::vector<std::string>{"a", "b"});
  bs.set_slot(0, "first");
  const Value* slot = bs.slot(0);
  std::string_view text = slot->as_string();
  std::vector<Value> replaced;
  for (int i = 0; i < 100; ++i) bs.set("extra" + std::to_string(i), i);
  bs.set_slot(0, "second", &replaced);
  EXPECT_EQ(bs.slot(0), slot);  // same address
  EXPECT_EQ(text, "first");     // the old string is still alive
  ASSERT_EQ(replaced.size(), 1u);
  EXPECT_EQ(bs.slot(0)->as_string(), "second");
  EXPECT_EQ(bs.slot(1), nullptr);
}

TEST(BlockState, ReprMatchesDiffusers) {
  BlockState bs;
  bs.set("image", at::zeros({1, 3, 512, 512}));
  bs.set("batch_size", 4);
  bs.set("processed_image", Value::list({Value(at::zeros({1, 3})), Value(at::zeros({2}))}));
  bs.set("names", Value::list({"a"}));
  bs.set("fields", Value::dict({{"emb", Value(at::zeros({2, 4}))}, {"n", 1}, {"s", "x"}}));
  EXPECT_EQ(bs.repr(),
            "BlockState(\n"
            "    image: Tensor(dtype=torch.float32, shape=torch.Size([1, 3, 512, 512]))\n"
            "    batch_size: 4\n"
            "    processed_image: list[2] of Tensors with shapes [torch.Size([1, 3]), torch.Size([2])]\n"
            "    names: ['a']\n"
            "    fields: {'emb': 'Tensor(shape=torch.Size([2, 4]), dtype=torch.float32)', 'n': '1', 's': \"'x'\"}\n"
            ")");
  EXPECT_EQ(BlockState().repr(), "BlockState(\n\n)");
}
