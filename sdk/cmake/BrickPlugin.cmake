# Cached so that brick_add_plugin sees it from any directory of a project.
set(BRICK_PLUGIN_VERSION_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/brick_plugin.map CACHE INTERNAL "")

# brick_add_plugin(<target> [PORTABLE] [OUTPUT_NAME <name>] [OUTPUT_DIRECTORY <dir>] SOURCES <files>...)
#
# Builds a brick plugin: a MODULE library with no "lib" prefix, built with
# the flags that keep it loadable next to other plugins and reloadable:
# hidden visibility (only the two brick symbols are exported) and
# -fno-gnu-unique (no STB_GNU_UNIQUE symbols, which would pin the library),
# and a version script that exports the two brick symbols and nothing else.
# PORTABLE plugins use only the C ABI (no LibTorch): link Brick::abi instead
# of Brick::sdk.
function(brick_add_plugin target)
  cmake_parse_arguments(ARG "PORTABLE" "OUTPUT_NAME;OUTPUT_DIRECTORY" "SOURCES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "brick_add_plugin(${target}): SOURCES is required")
  endif()
  add_library(${target} MODULE ${ARG_SOURCES})
  if(ARG_PORTABLE)
    target_link_libraries(${target} PRIVATE Brick::abi)
  else()
    target_link_libraries(${target} PRIVATE Brick::sdk)
  endif()
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-fno-gnu-unique>)
  target_link_options(${target} PRIVATE -Wl,--version-script=${BRICK_PLUGIN_VERSION_SCRIPT})
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${BRICK_PLUGIN_VERSION_SCRIPT})
  if(ARG_OUTPUT_NAME)
    set_target_properties(${target} PROPERTIES OUTPUT_NAME ${ARG_OUTPUT_NAME})
  endif()
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  endif()
endfunction()
