// The source of brick_test_pch (tests/CMakeLists.txt): the target that makes
// the precompiled header every test suite reuses. Nothing to compile of its
// own; the headers are listed in CMakeLists.txt.
