# wakecheck_add_scenarios(<target> <dir-or-file>...)
#
# Registers one CTest test per scenario file (*.toml, searched recursively
# under each directory): `<target> check <file>`, which passes when the
# scenario meets its [expect] and fails otherwise. <target> is an executable
# whose main is wakecheck::main (link wakecheck::main) with the models the
# scenarios name. Tests are named "<target>:<file relative to the calling
# CMakeLists.txt>" and run from that directory, so messages name files as
# the repository does.
function(wakecheck_add_scenarios target)
  if(NOT TARGET ${target})
    message(FATAL_ERROR "wakecheck_add_scenarios: '${target}' is not a target")
  endif()
  if(ARGC LESS 2)
    message(FATAL_ERROR "wakecheck_add_scenarios(${target}): name at least one directory or file")
  endif()
  foreach(where IN LISTS ARGN)
    get_filename_component(abs "${where}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    if(IS_DIRECTORY "${abs}")
      file(GLOB_RECURSE files CONFIGURE_DEPENDS "${abs}/*.toml")
      list(SORT files)
    elseif(EXISTS "${abs}")
      set(files "${abs}")
    else()
      message(FATAL_ERROR "wakecheck_add_scenarios(${target}): '${where}' does not exist")
    endif()
    if(NOT files)
      message(FATAL_ERROR "wakecheck_add_scenarios(${target}): no scenario files (*.toml) under '${where}'")
    endif()
    foreach(file IN LISTS files)
      file(RELATIVE_PATH rel "${CMAKE_CURRENT_SOURCE_DIR}" "${file}")
      add_test(NAME "${target}:${rel}" COMMAND ${target} check "${rel}"
               WORKING_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}")
    endforeach()
  endforeach()
endfunction()
