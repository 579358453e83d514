# Small helpers that keep each folder's CMakeLists.txt to a few lines.

set(HAT_WARNINGS -Wall -Wextra -Wpedantic -Wno-unused-parameter)

# hat_add_library(NAME [FOLDER DIR] [DEPS ...] [EXCLUDE REGEX...]): one library target per
# folder, built from every .cc file below DIR (a subfolder of the current one; the current folder
# itself without FOLDER), so adding a source file needs no CMake edit. The project root is on the
# include path ("#include "devices/tensor.h""). DEPS are the targets (and packages) this folder's
# code may use: hat_check_layering() holds every folder's includes to them.
function(hat_add_library name)
  cmake_parse_arguments(ARG "" "FOLDER" "DEPS;EXCLUDE" ${ARGN})
  set(dir ${CMAKE_CURRENT_SOURCE_DIR})
  if(ARG_FOLDER)
    set(dir ${dir}/${ARG_FOLDER})
  endif()
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${dir}/*.cc)
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
  file(RELATIVE_PATH folder ${PROJECT_SOURCE_DIR} ${dir})
  set_property(TARGET ${name} PROPERTY HAT_FOLDER ${folder})
  set_property(GLOBAL APPEND PROPERTY HAT_LAYER_TARGETS ${name})
endfunction()

# The folders a target may include from: its own and those of every hat_add_library target it
# links, directly or through others (INTERFACE targets such as hat_supernet pass theirs on).
function(hat_reachable_folders target out)
  set(folders)
  get_target_property(folder ${target} HAT_FOLDER)
  if(folder)
    list(APPEND folders ${folder})
  endif()
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "INTERFACE_LIBRARY")
    get_target_property(deps ${target} INTERFACE_LINK_LIBRARIES)
  else()
    get_target_property(deps ${target} LINK_LIBRARIES)
  endif()
  foreach(dep IN LISTS deps)
    if(TARGET ${dep} AND dep MATCHES "^hat_")
      hat_reachable_folders(${dep} dep_folders)
      list(APPEND folders ${dep_folders})
    endif()
  endforeach()
  list(REMOVE_DUPLICATES folders)
  set(${out} ${folders} PARENT_SCOPE)
endfunction()

# hat_write_layering(FILE): one line per library folder, "FOLDER: FOLDERS IT MAY INCLUDE FROM",
# for scripts/check_layering.sh (call it once every library target exists).
function(hat_write_layering file)
  get_property(targets GLOBAL PROPERTY HAT_LAYER_TARGETS)
  set(lines)
  foreach(target IN LISTS targets)
    get_target_property(folder ${target} HAT_FOLDER)
    hat_reachable_folders(${target} folders)
    list(JOIN folders " " joined)
    string(APPEND lines "${folder}: ${joined}\n")
  endforeach()
  file(GENERATE OUTPUT ${file} CONTENT "${lines}")
endfunction()

# hat_add_executable(NAME SOURCE [DEPS ...]): a thin main.
function(hat_add_executable name source)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  add_executable(${name} ${source})
  target_compile_options(${name} PRIVATE ${HAT_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
endfunction()
