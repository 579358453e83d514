# Small helpers that keep each folder's CMakeLists.txt to a few lines.

set(HAT_WARNINGS -Wall -Wextra -Wpedantic -Wno-unused-parameter)

# hat_add_library(NAME FOLDER [DEPS ...]): one library target per folder, built from every
# .cc file below FOLDER (so adding a source file needs no CMake edit), with the project root
# on the include path ("#include "devices/tensor.h"").
function(hat_add_library name)
  cmake_parse_arguments(ARG "" "" "DEPS;EXCLUDE" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  foreach(pattern IN LISTS ARG_EXCLUDE)
    list(FILTER sources EXCLUDE REGEX "${pattern}")
  endforeach()
  if(sources)
    add_library(${name} STATIC ${sources})
    target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
    target_compile_options(${name} PRIVATE ${HAT_WARNINGS})
    target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  else()
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${PROJECT_SOURCE_DIR})
    target_link_libraries(${name} INTERFACE ${ARG_DEPS})
  endif()
  add_library(hat::${name} ALIAS ${name})
endfunction()

# hat_add_executable(NAME SOURCE [DEPS ...]): a thin main.
function(hat_add_executable name source)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  add_executable(${name} ${source})
  target_compile_options(${name} PRIVATE ${HAT_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
endfunction()
