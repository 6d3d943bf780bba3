// A block that fails, in any way, is reported with its name; the host and
// the plugin carry on.
#include <gtest/gtest.h>

#include "brick/host/base/error.h"
#include "test_support.h"

using brick::host::BlockError;
using brick::test::run_block;

using brick::test::block_error_of;

TEST(BlockFailures, AThrowingBlockIsReportedAndTheHostCarriesOn) {
  brick::test::LogCapture log;
  BlockError e = block_error_of("test_throwing.Explode");
  EXPECT_EQ(e.status(), BRICK_ERR_BLOCK_FAILED);
  EXPECT_EQ(e.block(), "test_throwing.Explode");
  EXPECT_STREQ(e.what(), "Error in block 'test_throwing.Explode': boom");
  EXPECT_TRUE(log.contains("Error in block: (Explode):"));
  // Same plugin, same host: everything still works, the failing block too.
  EXPECT_EQ(run_block("test_throwing.Counter").get("runs").as_int(), 1);
  EXPECT_STREQ(block_error_of("test_throwing.Explode").what(), "Error in block 'test_throwing.Explode': boom");
}

TEST(BlockFailures, NonStandardExceptionsAreCaughtAtTheBoundary) {
  EXPECT_STREQ(block_error_of("test_throwing.ThrowsInt").what(),
               "Error in block 'test_throwing.ThrowsInt': unknown exception (not derived from std::exception)");
}

TEST(BlockFailures, ABrickErrorKeepsItsStatus) {
  BlockError e = block_error_of("test_throwing.ThrowsBrickError");
  EXPECT_EQ(e.status(), BRICK_ERR_INVALID_ARGUMENT);
  EXPECT_STREQ(e.what(), "Error in block 'test_throwing.ThrowsBrickError': strength must be in [0, 1], got 7");
}

TEST(BlockFailures, AValueOfTheWrongTypeNamesTheValue) {
  BlockError e = block_error_of("test_throwing.WrongType");
  EXPECT_EQ(e.status(), BRICK_ERR_TYPE_MISMATCH);
  EXPECT_STREQ(
      e.what(),
      "Error in block 'test_throwing.WrongType': BlockState value 'steps' of 'WrongType': expected int, got str");
}

TEST(BlockFailures, AFailingConstructorIsReportedAtCreation) {
  try {
    brick::test::test_host().create_block("test_throwing.BadConstructor");
    FAIL();
  } catch (const BlockError& e) {
    EXPECT_STREQ(e.what(), "cannot create block 'test_throwing.BadConstructor': no model file configured");
  }
}

TEST(BlockFailures, ABlockThatCannotBeCopiedCannotBecomeAPipeline) {
  auto block = brick::test::test_host().create_block("test_throwing.NotCopyable");
  try {
    block->init_pipeline();
    FAIL();
  } catch (const BlockError& e) {
    EXPECT_EQ(e.status(), BRICK_ERR_UNSUPPORTED);
    EXPECT_STREQ(e.what(), "cannot copy block 'test_throwing.NotCopyable': block 'NotCopyable' cannot be copied");
  }
}

TEST(BlockFailures, AMalformedDeclarationNamesTheBlockAndTheField) {
  brick::host::Host host;
  host.load_plugin(brick::test::plugin_path("broken_decl"));
  try {
    host.create_block("broken_decl.Noop");
    FAIL();
  } catch (const brick::host::Error& e) {
    EXPECT_EQ(e.status(), BRICK_ERR_BAD_PLUGIN);
    EXPECT_STREQ(e.what(), "block 'broken_decl.Noop': input 'strength' default is not valid JSON: {not json");
  }
}
