// The source of brick_plugin_pch (plugins/CMakeLists.txt): the target that
// makes the precompiled header the first-party plugins reuse. Nothing to
// compile of its own; the headers are listed in CMakeLists.txt.
