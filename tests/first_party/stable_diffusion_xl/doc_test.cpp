// Every block the plugin provides under a diffusers class name prints its
// doc as diffusers prints the same modular SDXL block, byte for byte
// (fixtures/docs.json: diffusers' own `block.doc`, make_doc_fixtures.py).
#include "sdxl_test_support.h"

namespace sdxl_test {
namespace {

TEST(StableDiffusionXLDocs, EveryBlockPrintsAsDiffusers) {
  Value docs = brick::host::parse_json(read_text(kFixtures / "docs.json"));
  ASSERT_GE(docs.as_dict().size(), 24u);
  for (const auto& [class_name, doc] : docs.as_dict()) {
    SCOPED_TRACE(class_name);
    auto block = host().create_block("stable_diffusion_xl." + class_name);
    EXPECT_EQ(block->doc(), doc.as_string());
  }
}

}  // namespace
}  // namespace sdxl_test
